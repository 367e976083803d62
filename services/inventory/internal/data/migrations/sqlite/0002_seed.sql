-- The seed catalogue: prices in cents; every SKU starts with total = available.

INSERT INTO products (sku, name, price) VALUES
  ('SKU-BOTTLE', 'Insulated Steel Water Bottle', 2999),
  ('SKU-CAP', 'Embroidered Baseball Cap', 1999),
  ('SKU-HOODIE', 'Zip-Up Fleece Hoodie', 5499),
  ('SKU-LIMITED', 'Limited Edition Art Print (signed)', 4999),
  ('SKU-MUG', 'Ceramic Coffee Mug', 1299),
  ('SKU-NOTEBOOK', 'Dot Grid Notebook A5', 899),
  ('SKU-SOCKS', 'Merino Wool Socks', 1499),
  ('SKU-STICKERS', 'Vinyl Sticker Pack', 499),
  ('SKU-TEE', 'Organic Cotton T-Shirt', 2499),
  ('SKU-TOTE', 'Canvas Tote Bag', 1599);

INSERT INTO stocks (sku, total, available, reserved, sold, version, updated_at) VALUES
  ('SKU-BOTTLE', 100, 100, 0, 0, 1, strftime('%Y-%m-%d %H:%M:%f', 'now')),
  ('SKU-CAP', 100, 100, 0, 0, 1, strftime('%Y-%m-%d %H:%M:%f', 'now')),
  ('SKU-HOODIE', 100, 100, 0, 0, 1, strftime('%Y-%m-%d %H:%M:%f', 'now')),
  ('SKU-LIMITED', 10, 10, 0, 0, 1, strftime('%Y-%m-%d %H:%M:%f', 'now')),
  ('SKU-MUG', 100, 100, 0, 0, 1, strftime('%Y-%m-%d %H:%M:%f', 'now')),
  ('SKU-NOTEBOOK', 100, 100, 0, 0, 1, strftime('%Y-%m-%d %H:%M:%f', 'now')),
  ('SKU-SOCKS', 100, 100, 0, 0, 1, strftime('%Y-%m-%d %H:%M:%f', 'now')),
  ('SKU-STICKERS', 100, 100, 0, 0, 1, strftime('%Y-%m-%d %H:%M:%f', 'now')),
  ('SKU-TEE', 100, 100, 0, 0, 1, strftime('%Y-%m-%d %H:%M:%f', 'now')),
  ('SKU-TOTE', 100, 100, 0, 0, 1, strftime('%Y-%m-%d %H:%M:%f', 'now'));
