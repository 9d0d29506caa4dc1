"""The console's database: typed models, repositories returning plain values, migrations."""
