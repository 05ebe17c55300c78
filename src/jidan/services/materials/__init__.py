"""Materials (C6): stock and purchasing, delays, purchase requests, the material plan."""
