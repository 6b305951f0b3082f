"""The generic CSV import framework: file sniffing, column maps, the chunked runner, results
and the management command base. Each importer (Shopify products, inventory, orders...) brings
its own alias table and row logic."""
