-- An endpoint's JSONata transformation of {type, timestamp, data}, applied before signing (issue 13).
-- Validated by the relay at registration; NULL sends the Standard Webhooks body unchanged.
ALTER TABLE endpoints ADD COLUMN transformation text;
