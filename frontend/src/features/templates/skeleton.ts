/**
 * The text a new template starts from (the format is backend/catalog/FORMAT.md): valid as it
 * stands, with the optional parts commented out.
 */
export const NEW_TEMPLATE_YAML = `# A custom service template. Instances copy it and store only what they change.
# name: lowercase letters, digits and hyphens (a DNS label).
name: my-service
# category: database, cache, web, runtime, mail, storage or tools
category: tools
description: What this service is for

# The compose service (compose's own field names). It needs an image or a build.
service:
  image: nginx:1.27
  ports: ["8090:80"]        # HOST:CONTAINER, published on 127.0.0.1
  environment:
    APP_ENV: development
  # command: [nginx, -g, "daemon off;"]
  # volumes: ["data:/var/lib/data"]
  # healthcheck:
  #   test: [CMD, wget, -q, -O-, "http://127.0.0.1/"]
  #   interval: 5s

# Contracts this service offers, with the values it exports to consumers.
provides: []
#  - contract: http
#    values: {host: "\${host}", port: "80", url: "http://\${host}:80"}

# Contracts it needs, and how their values map onto its environment.
consumes: []
#  - contract: postgres
#    required: true
#    env: {DB_HOST: host, DB_PORT: port}
`;
