-- 0010: quality control: improvement actions (PRODUCT.md Q4). Placeholder.
SELECT 1;
