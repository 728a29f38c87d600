-- The entity search finds users and robots by the start of their name (username ^@ prefix). The unique btree index on
-- username cannot answer a prefix in every collation; SP-GiST's text_ops answers ^@ in all of them.
CREATE INDEX account_username_prefix ON account USING spgist (username);
