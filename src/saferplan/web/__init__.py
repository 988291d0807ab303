"""The partnership web app: pages, forms and the GOV.UK form layer."""
