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

CUSTOMERS = """
query Customers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id createdAt updatedAt firstName lastName tags
      defaultEmailAddress { emailAddress marketingState marketingUpdatedAt }
      defaultPhoneNumber { phoneNumber }
      defaultAddress { id }
      addressesV2(first: 10) {
        nodes { id name company address1 address2 city provinceCode zip countryCodeV2 phone }
      }
    }
  }
}
"""

ORDERS = f"""
query Orders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
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
          nodes {{ quantity restocked lineItem {{ id }} subtotalSet {{ {_MONEY} }} }}
        }}
      }}
    }}
  }}
}}
"""

PRODUCTS = """
query Products($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title vendor status productType createdAt updatedAt
      variants(first: 100) { nodes { id title sku price inventoryQuantity } }
    }
  }
}
"""

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

ALL_QUERIES = {"ConnectionCheck": CONNECTION_CHECK, "Customers": CUSTOMERS, "Orders": ORDERS,
               "Products": PRODUCTS, "AbandonedCheckouts": ABANDONED_CHECKOUTS}
