-- Attachment references (storage.AttachmentRefChecker): one row per blob
-- key that a message's attachments name, written in the message's
-- transaction, so that a blob reconciler asks which keys are referenced
-- through the primary key rather than by reading every message's JSON.
-- Rows of the messages stored before this migration are copied in.
-- {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}attachment_refs (
    key        text NOT NULL,
    message_id text NOT NULL,
    tenant_id  text NOT NULL,
    PRIMARY KEY (key, message_id)
);

--bun:split

INSERT OR IGNORE INTO {{.Prefix}}attachment_refs (key, message_id, tenant_id)
SELECT DISTINCT r.key, r.message_id, r.tenant_id
FROM (
    SELECT CASE WHEN a.type = 'object' THEN json_extract(a.value, '$.key') END AS key,
           m.id AS message_id, m.tenant_id AS tenant_id
    FROM {{.Prefix}}messages AS m,
         json_each(CASE WHEN json_type(m.attachments) = 'array' THEN m.attachments ELSE '[]' END) AS a
) AS r
WHERE coalesce(r.key, '') <> '';
