-- Found by the load test (docs/perf.md): with 100 000 offers, per-company counts and the
-- week's worklist scanned the whole offers table.
CREATE INDEX offers_company ON offers (company_id, status);
CREATE INDEX offers_status ON offers (status, verified_at);
-- Importing found its company by name and commune among tens of thousands.
CREATE INDEX companies_name_commune ON companies (name, commune_code);
