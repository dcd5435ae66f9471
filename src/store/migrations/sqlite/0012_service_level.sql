-- 0012: service-level facts and aggregates (PRODUCT.md L3). Placeholder.
SELECT 1;
