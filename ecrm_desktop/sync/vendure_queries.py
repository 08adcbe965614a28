"""The Vendure Admin API GraphQL documents the connector sends (checked against Vendure 3.x's schema)."""

from __future__ import annotations

ADMIN_PATH = "/admin-api"
PAGE_SIZE = 100  # well under Vendure's default `adminListQueryLimit` of 1000; orders carry their lines
IDS_PAGE = 1000  # id-only listings take Vendure's default maximum

LOGIN = """
mutation Login($username: String!, $password: String!) {
  login(username: $username, password: $password, rememberMe: false) {
    __typename
    ... on CurrentUser { id identifier }
    ... on ErrorResult { errorCode message }
  }
}"""

CONNECTION_CHECK = """
query ConnectionCheck {
  activeChannel { code defaultCurrencyCode pricesIncludeTax }
  globalSettings { trackInventory }
}"""

PERMISSIONS = "query Permissions { me { channels { code permissions } } }"

CUSTOMERS = """
query Customers($options: CustomerListOptions) {
  customers(options: $options) {
    totalItems
    items {
      id createdAt updatedAt title firstName lastName phoneNumber emailAddress
      groups { name }
      addresses {
        fullName company streetLine1 streetLine2 city province postalCode phoneNumber
        defaultShippingAddress defaultBillingAddress
        country { code }
      }
    }
  }
}"""

ORDERS = """
query Orders($options: OrderListOptions) {
  orders(options: $options) {
    totalItems
    items {
      id code state active createdAt updatedAt orderPlacedAt currencyCode
      subTotalWithTax shippingWithTax total totalWithTax couponCodes
      customer { id emailAddress }
      shippingAddress { ...Address }
      billingAddress { ...Address }
      discounts { amountWithTax }
      lines {
        id quantity unitPriceWithTax
        productVariant { id sku name product { id name } }
      }
      payments {
        id createdAt method state amount transactionId
        refunds { id createdAt state total reason lines { orderLineId quantity } }
      }
      fulfillments { id state method trackingCode createdAt updatedAt }
    }
  }
}
fragment Address on OrderAddress {
  fullName company streetLine1 streetLine2 city province postalCode countryCode phoneNumber
}"""

CARTS = """
query Carts($options: OrderListOptions) {
  orders(options: $options) {
    totalItems
    items {
      id code active createdAt updatedAt orderPlacedAt currencyCode totalWithTax totalQuantity
      customer { id emailAddress }
      lines { quantity productVariant { name } }
    }
  }
}"""

PRODUCTS = """
query Products($options: ProductListOptions) {
  products(options: $options) {
    totalItems
    items {
      id createdAt updatedAt name enabled
      facetValues { name facet { code name } }
      variants {
        id name sku priceWithTax currencyCode enabled
        stockLevels { stockOnHand stockAllocated }
      }
    }
  }
}"""



def _ids(kind: str, root: str) -> str:
    return f"query Ids($options: {kind}ListOptions) {{ {root}(options: $options) {{ totalItems items {{ id }} }} }}"


CUSTOMER_IDS = _ids("Customer", "customers")
ORDER_IDS = _ids("Order", "orders")
PRODUCT_IDS = _ids("Product", "products")
