-- How the relay authenticates to an endpoint besides signing (basic, bearer, oauth2, mtls): the JSON
-- of its fields sealed as one value by secrets.SecretCipher, bound to the endpoint. Null: none.
ALTER TABLE endpoints ADD COLUMN auth text;
