-- 0011: customer value (RFM, ABC, lifecycle; PRODUCT.md Q5, C2). Placeholder.
SELECT 1;
