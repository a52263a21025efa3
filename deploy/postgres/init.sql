-- One database per service (docker-compose.yml). The official postgres image runs this file once,
-- when its data volume is empty, as POSTGRES_USER; that user owns the four databases.
-- To re-run it: docker compose down -v (this deletes all data).
CREATE DATABASE intake;
CREATE DATABASE routing;
CREATE DATABASE supervision;
CREATE DATABASE reporting;
