"""Every GraphQL document the Shopify connector sends, in one place so tests validate each against Shopify's
published Admin schema. The API version is pinned here (a store's settings may name another)."""

from __future__ import annotations

API_VERSION = "2026-10"

# Read scopes the sync needs; orders older than 60 days need read_all_orders on top of read_orders.
REQUIRED_SCOPES = ("read_customers", "read_orders", "read_all_orders", "read_products")

PAGE_SIZE = 50

_MONEY = "shopMoney { amount currencyCode }"

CONNECTION_CHECK = """
query ConnectionCheck {
  shop { name currencyCode }
  currentAppInstallation { accessScopes { handle } }
}
"""

# The fields read of each record, shared by the paginated queries and the bulk queries (which ignore `first` on
# nested connections and return their rows as separate JSONL lines carrying `__parentId`).
CUSTOMER_FIELDS = """
      id createdAt updatedAt firstName lastName tags
      defaultEmailAddress { emailAddress marketingState marketingUpdatedAt }
      defaultPhoneNumber { phoneNumber }
      defaultAddress { id }
      addressesV2(first: 10) {
        nodes { id name company address1 address2 city provinceCode zip countryCodeV2 phone }
      }
"""

ORDER_FIELDS = f"""
      id name createdAt updatedAt cancelledAt cancelReason currencyCode email sourceName
      displayFinancialStatus displayFulfillmentStatus discountCodes paymentGatewayNames
      customer {{ id }}
      subtotalPriceSet {{ {_MONEY} }}
      totalDiscountsSet {{ {_MONEY} }}
      totalShippingPriceSet {{ {_MONEY} }}
      totalTaxSet {{ {_MONEY} }}
      totalPriceSet {{ {_MONEY} }}
      shippingAddress {{ city countryCodeV2 }}
      transactions(first: 5) {{ paymentDetails {{ ... on CardPaymentDetails {{ company number }} }} }}
      lineItems(first: 100) {{
        nodes {{
          id title quantity sku
          originalUnitPriceSet {{ {_MONEY} }}
          product {{ id productType }}
          variant {{ id }}
        }}
      }}
      fulfillments(first: 20) {{
        id displayStatus createdAt deliveredAt
        trackingInfo(first: 1) {{ company number url }}
      }}
      refunds(first: 50) {{
        id createdAt note
        totalRefundedSet {{ {_MONEY} }}
        refundLineItems(first: 100) {{
          nodes {{ id quantity restocked lineItem {{ id }} subtotalSet {{ {_MONEY} }} }}
        }}
      }}
"""

PRODUCT_FIELDS = """
      id title vendor status productType createdAt updatedAt
      variants(first: 100) { nodes { id title sku price inventoryQuantity } }
"""


def _paged(name: str, root: str, fields: str, sort_key: str = "UPDATED_AT") -> str:
    return (f"query {name}($first: Int!, $after: String, $query: String) {{\n"
            f"  {root}(first: $first, after: $after, query: $query, sortKey: {sort_key}) {{\n"
            f"    pageInfo {{ hasNextPage endCursor }}\n    nodes {{{fields}    }}\n  }}\n}}\n")


def _bulk(root: str, fields: str) -> str:
    return f"query {{\n  {root}(sortKey: UPDATED_AT) {{\n    nodes {{{fields}    }}\n  }}\n}}\n"


def _ids(name: str, root: str) -> str:
    return (f"query {name}($first: Int!, $after: String) {{\n"
            f"  {root}(first: $first, after: $after, sortKey: ID) {{\n"
            "    pageInfo { hasNextPage endCursor }\n    nodes { id }\n  }\n}\n")


CUSTOMERS = _paged("Customers", "customers", CUSTOMER_FIELDS)
ORDERS = _paged("Orders", "orders", ORDER_FIELDS)
PRODUCTS = _paged("Products", "products", PRODUCT_FIELDS)

ABANDONED_CHECKOUTS = f"""
query AbandonedCheckouts($first: Int!, $after: String, $query: String) {{
  abandonedCheckouts(first: $first, after: $after, query: $query, sortKey: ID) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id createdAt updatedAt completedAt abandonedCheckoutUrl
      customer {{ id defaultEmailAddress {{ emailAddress }} }}
      totalPriceSet {{ {_MONEY} }}
      lineItems(first: 50) {{ nodes {{ title quantity }} }}
    }}
  }}
}}
"""

# Bulk operations (a first sync of a large shop): the counts that decide it, the queries run in bulk, the
# mutation that starts one and the poll of its status (`bulkOperation(id:)`: `currentBulkOperation` is deprecated).
SHOP_COUNTS = """
query ShopCounts($limit: Int) {
  customersCount(limit: $limit) { count }
  ordersCount(limit: $limit) { count }
  productsCount(limit: $limit) { count }
}
"""

BULK_CUSTOMERS = _bulk("customers", CUSTOMER_FIELDS)
BULK_ORDERS = _bulk("orders", ORDER_FIELDS)
BULK_PRODUCTS = _bulk("products", PRODUCT_FIELDS)
# Every id of a large shop, for the reconciliation of deletions: in bulk, free of the cost limits.
BULK_CUSTOMER_IDS = _bulk("customers", " id ")
BULK_ORDER_IDS = _bulk("orders", " id ")
BULK_PRODUCT_IDS = _bulk("products", " id ")

BULK_RUN = """
mutation BulkRun($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: true) {
    bulkOperation { id status createdAt }
    userErrors { field message code }
  }
}
"""

BULK_POLL = """
query BulkPoll($id: ID!) {
  bulkOperation(id: $id) { id status errorCode createdAt completedAt objectCount url }
}
"""

# Reconciliation: every id the store still has, and which of some ids still exist.
CUSTOMER_IDS = _ids("CustomerIds", "customers")
ORDER_IDS = _ids("OrderIds", "orders")
PRODUCT_IDS = _ids("ProductIds", "products")

EXISTING = """
query Existing($ids: [ID!]!) {
  nodes(ids: $ids) { id }
}
"""

ALL_QUERIES = {"ConnectionCheck": CONNECTION_CHECK, "Customers": CUSTOMERS, "Orders": ORDERS,
               "Products": PRODUCTS, "AbandonedCheckouts": ABANDONED_CHECKOUTS, "ShopCounts": SHOP_COUNTS,
               "BulkCustomers": BULK_CUSTOMERS, "BulkOrders": BULK_ORDERS, "BulkProducts": BULK_PRODUCTS,
               "BulkCustomerIds": BULK_CUSTOMER_IDS, "BulkOrderIds": BULK_ORDER_IDS,
               "BulkProductIds": BULK_PRODUCT_IDS,
               "BulkRun": BULK_RUN, "BulkPoll": BULK_POLL, "CustomerIds": CUSTOMER_IDS, "OrderIds": ORDER_IDS,
               "ProductIds": PRODUCT_IDS, "Existing": EXISTING}
