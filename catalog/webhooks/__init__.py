"""Shopify webhooks in: verify, store in the inbox, acknowledge; a task applies them later."""
