"""The naive handler the broker's cold start is compared with (a Lambda asset directory)."""
