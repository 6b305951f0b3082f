"""Channel catalog feeds out: one item builder, a writer per network format."""
