// validate.mjs checks an OpenAPI document with swagger-parser: the
// document against the OpenAPI 3.1 schema, and every $ref resolved.
// Usage: node validate.mjs path/to/openapi.yaml
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  console.log(`swagger-parser: ${file} is a valid OpenAPI ${api.openapi} document`);
} catch (err) {
  console.error(`swagger-parser: ${file}: ${err.message}`);
  process.exit(1);
}
