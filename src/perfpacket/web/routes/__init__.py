"""Routes by area: sign-in, pages, admin, JSON API. Each route's policy is in ``authz.ROUTES``."""
