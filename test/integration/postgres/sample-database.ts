import type { TestPostgres } from '../../helpers/postgres.ts';

/**
 * A small database exercising what a dump must carry: many types, enums, domains, composite types,
 * partitions, sequences at non-initial values, views, materialized views, functions, triggers,
 * identity and generated columns, quoted and Unicode names, extensions, a large object.
 */
export const SAMPLE_SQL = String.raw`
CREATE EXTENSION pgcrypto;
CREATE EXTENSION hstore;
CREATE EXTENSION citext;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TYPE address AS (street text, city text, zip varchar(10));
CREATE SCHEMA sales;
CREATE SCHEMA "Ünïcödé Schema";

CREATE TABLE public.kitchen_sink (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ints integer[],
  doc jsonb,
  raw bytea,
  amount numeric(20, 6),
  at timestamptz,
  feeling mood,
  qty positive_int,
  home address,
  tags hstore,
  email citext,
  secret_hash text DEFAULT encode(digest('x', 'sha256'), 'hex'),
  amount_doubled numeric GENERATED ALWAYS AS (amount * 2) STORED,
  note text
);
INSERT INTO public.kitchen_sink (ints, doc, raw, amount, at, feeling, qty, home, tags, email, note)
SELECT ARRAY[g, g * 2, NULL], jsonb_build_object('g', g, 'nested', jsonb_build_array(g, 'x', true)), decode(md5(g::text), 'hex'),
       g * 1.000001, '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 hour', (ARRAY['sad', 'ok', 'happy'])[1 + g % 3]::mood, g,
       ROW('Main St ' || g, 'Zürich', '80' || g)::address, hstore('k' || g, 'v'), 'User' || g || '@Example.com',
       CASE WHEN g % 5 = 0 THEN E'tab\tnewline\nbackslash\\ quote'' end' ELSE NULL END
FROM generate_series(1, 300) g;

CREATE TABLE sales.orders (
  order_id bigserial,
  region text NOT NULL,
  placed date NOT NULL,
  total numeric(12, 2),
  PRIMARY KEY (order_id, placed)
) PARTITION BY RANGE (placed);
CREATE TABLE sales.orders_2023 PARTITION OF sales.orders FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE sales.orders_2024 PARTITION OF sales.orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO sales.orders (region, placed, total)
SELECT (ARRAY['north', 'south', 'east'])[1 + g % 3], DATE '2023-06-01' + (g % 400), g * 3.5 FROM generate_series(1, 500) g;
CREATE INDEX orders_region_idx ON sales.orders (region);

CREATE TABLE sales.customers (id serial PRIMARY KEY, name text UNIQUE NOT NULL);
INSERT INTO sales.customers (name) SELECT 'customer ' || g FROM generate_series(1, 50) g;
CREATE TABLE sales.visits (id serial PRIMARY KEY, customer_id int REFERENCES sales.customers (id), at timestamptz DEFAULT now());
INSERT INTO sales.visits (customer_id, at) SELECT 1 + g % 50, '2024-05-05'::timestamptz FROM generate_series(1, 120) g;

CREATE SEQUENCE public.ticket_seq START 1000 INCREMENT 7;
SELECT nextval('public.ticket_seq') FROM generate_series(1, 13);

CREATE TABLE "Ünïcödé Schema"."Mixed Case ""Quoted"" Tablé" ("Spaß" text, "Ω" int);
INSERT INTO "Ünïcödé Schema"."Mixed Case ""Quoted"" Tablé" VALUES ('grüße', 1), ('日本語', 2), (NULL, 3);

CREATE VIEW sales.region_totals AS SELECT region, sum(total) AS total FROM sales.orders GROUP BY region;
CREATE MATERIALIZED VIEW sales.region_counts AS SELECT region, count(*) AS n FROM sales.orders GROUP BY region;

CREATE TABLE public.audit (id serial PRIMARY KEY, what text, at timestamptz DEFAULT '2024-01-01');
CREATE FUNCTION public.audit_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.audit (what) VALUES (TG_TABLE_NAME || ':' || NEW.id);
  RETURN NEW;
END $$;
CREATE TRIGGER customers_audit AFTER INSERT ON sales.customers FOR EACH ROW EXECUTE FUNCTION public.audit_insert();
INSERT INTO sales.customers (name) VALUES ('after trigger');
CREATE FUNCTION public.add(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT a + b';
COMMENT ON TABLE public.kitchen_sink IS 'every type at once';
SELECT lo_from_bytea(0, 'large object bytes');
`;

/** Creates `database` on `server` and fills it with the sample schema and data. */
export async function createSampleDatabase(server: TestPostgres, database: string): Promise<void> {
  await server.query(`CREATE DATABASE "${database}"`);
  await server.query(SAMPLE_SQL, database);
}
