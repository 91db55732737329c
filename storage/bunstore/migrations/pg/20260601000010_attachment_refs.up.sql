-- Attachment references (storage.AttachmentRefChecker): one row per blob
-- key that a message's attachments name, written in the message's
-- transaction, so that a blob reconciler asks which keys are referenced
-- through the primary key rather than by reading every message's JSON.
-- Rows of the messages stored before this migration are copied in.
-- {{.Prefix}} is the table prefix.

CREATE TABLE IF NOT EXISTS {{.Prefix}}attachment_refs (
    key        text COLLATE "C" NOT NULL,
    message_id text COLLATE "C" NOT NULL,
    tenant_id  text COLLATE "C" NOT NULL,
    PRIMARY KEY (key, message_id)
);

--bun:split

INSERT INTO {{.Prefix}}attachment_refs (key, message_id, tenant_id)
SELECT DISTINCT a.value->>'key', m.id, m.tenant_id
FROM {{.Prefix}}messages AS m
CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(m.attachments) = 'array' THEN m.attachments ELSE '[]'::jsonb END
) AS a(value)
WHERE coalesce(a.value->>'key', '') <> ''
ON CONFLICT DO NOTHING;
