-- 0009: surveys (PRODUCT.md Q1). Placeholder until the surveys work lands.
SELECT 1;
