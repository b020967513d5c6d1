#!/bin/sh
# Runs once, when the PostgreSQL container creates its database: the bot's login role, with no
# rights yet (store:init --grant mdu_bot gives it read and write on the documents, nothing more).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v pw="$MDU_BOT_PASSWORD" <<'SQL'
CREATE ROLE mdu_bot LOGIN PASSWORD :'pw';
GRANT CONNECT ON DATABASE mdu TO mdu_bot;
GRANT USAGE ON SCHEMA public TO mdu_bot;
SQL
