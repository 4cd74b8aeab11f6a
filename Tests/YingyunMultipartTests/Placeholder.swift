// Tests for YingyunMultipart arrive with the multipart helper.
