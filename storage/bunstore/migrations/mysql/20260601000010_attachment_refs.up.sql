-- Attachment references (storage.AttachmentRefChecker): one row per blob
-- key that a message's attachments name, written in the message's
-- transaction, so that a blob reconciler asks which keys are referenced
-- through the primary key rather than by reading every message's JSON.
-- Rows of the messages stored before this migration are copied in.
-- {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}attachment_refs (
    `key`      VARBINARY(1024) NOT NULL,
    message_id VARBINARY(255) NOT NULL,
    tenant_id  VARBINARY(255) NOT NULL,
    PRIMARY KEY (`key`, message_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

--bun:split

INSERT INTO {{.Prefix}}attachment_refs (`key`, message_id, tenant_id)
SELECT DISTINCT a.k, m.id, m.tenant_id
FROM {{.Prefix}}messages AS m,
     JSON_TABLE(IF(JSON_TYPE(m.attachments) = 'ARRAY', m.attachments, '[]'), '$[*]'
         COLUMNS (k VARCHAR(1024) CHARACTER SET utf8mb4 PATH '$.key')) AS a
WHERE coalesce(a.k, '') <> ''
ON DUPLICATE KEY UPDATE message_id = {{.Prefix}}attachment_refs.message_id;
