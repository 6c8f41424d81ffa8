/**
 * The ports well-known container images listen on out of the box, so the workspace graph can
 * link a Compose service or a Kubernetes container to the ports other services dial, even when
 * the file never writes a port down.
 *
 * Each fact comes from the image's own Dockerfile `EXPOSE` or its documentation (`source`). A
 * port the image opens only after extra configuration (a certificate, a flag, a plugin) carries
 * that `condition`, so the graph can accept a dial to it without counting on it being open.
 * Base images (node, python, openjdk, alpine, plain php) listen on nothing and are not listed;
 * neither is haproxy, whose image ships no configuration and so no default listener.
 */

export type ImagePortProtocol = 'tcp' | 'udp';

export interface ImagePort {
  readonly port: number;
  /** Last port of a range the image listens on (LocalStack's 4510-4559); absent for one port. */
  readonly endPort?: number;
  readonly protocol: ImagePortProtocol;
  /** What the port is for, in a few words: `SQL connections`, `web UI`. */
  readonly purpose: string;
  /** Set when the port listens only once this holds: `TLS is configured`. */
  readonly condition?: string;
}

/** Ports of the image variants whose tag matches; the first matching rule wins. */
export interface ImageTagRule {
  /** Tested against the tag (`8.3-fpm-alpine`), or `latest` when the reference has none. */
  readonly match: RegExp;
  /** All the ports of those variants; empty when they listen on nothing (`php:8-cli`). */
  readonly ports: readonly ImagePort[];
}

export interface ImageEntry {
  /** Canonical repository: `redis`, `grafana/grafana`, `quay.io/keycloak/keycloak`. */
  readonly image: string;
  readonly software: string;
  /** Ports of the default variant (the `latest` tag); empty when only some variants listen. */
  readonly ports: readonly ImagePort[];
  /** The Dockerfile or documentation page the ports come from. */
  readonly source: string;
  /** Other canonical names of the same image (mirrors, renamed repositories). */
  readonly aliases?: readonly string[];
  readonly tags?: readonly ImageTagRule[];
}

/** What {@link lookupImage} answers: an entry with its tag rules applied. */
export interface ImageDefaults {
  readonly image: string;
  readonly software: string;
  readonly ports: readonly ImagePort[];
  readonly source: string;
}

export interface ImageReference {
  /** Absent for Docker Hub (`docker.io`, `index.docker.io`, `registry-1.docker.io`). */
  readonly registry?: string;
  /** Lowercased path without the registry; Docker Hub's `library/` namespace is dropped. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const tcp = (port: number, purpose: string, condition?: string): ImagePort =>
  condition === undefined ? { port, protocol: 'tcp', purpose } : { port, protocol: 'tcp', purpose, condition };
const udp = (port: number, purpose: string, condition?: string): ImagePort =>
  condition === undefined ? { port, protocol: 'udp', purpose } : { port, protocol: 'udp', purpose, condition };
const tcpRange = (port: number, endPort: number, purpose: string): ImagePort => ({ port, endPort, protocol: 'tcp', purpose });
const udpRange = (port: number, endPort: number, purpose: string): ImagePort => ({ port, endPort, protocol: 'udp', purpose });

const hub = (name: string): string => `https://hub.docker.com/_/${name}`;
const hubRepo = (name: string): string => `https://hub.docker.com/r/${name}`;

const POSTGRES = [tcp(5432, 'SQL connections')];
const MYSQL = [tcp(3306, 'SQL connections (MySQL protocol)')];
const MYSQL_WITH_X = [...MYSQL, tcp(33060, 'X Protocol (MySQL Shell, X DevAPI)')];
const REDIS = [tcp(6379, 'Redis protocol (RESP) clients')];
const MONGO = [tcp(27017, 'MongoDB wire protocol clients')];
const GALERA = [
  ...MYSQL,
  tcp(4444, 'Galera state snapshot transfer (SST)'),
  tcp(4567, 'Galera replication traffic'),
  tcp(4568, 'Galera incremental state transfer (IST)'),
];
const ELASTICSEARCH = [tcp(9200, 'REST API'), tcp(9300, 'node-to-node transport')];
const KIBANA = [tcp(5601, 'web UI')];
const LOGSTASH = [tcp(5044, 'Beats input'), tcp(9600, 'monitoring API')];
const ZOOKEEPER = [
  tcp(2181, 'client connections'),
  tcp(2888, 'follower connections to the leader'),
  tcp(3888, 'leader election'),
];
const NATS = [tcp(4222, 'client connections'), tcp(6222, 'cluster routes'), tcp(8222, 'HTTP monitoring')];
const CONSUL = [
  tcp(8300, 'server RPC'),
  tcp(8301, 'LAN gossip (Serf)'),
  udp(8301, 'LAN gossip (Serf)'),
  tcp(8302, 'WAN gossip (Serf)'),
  udp(8302, 'WAN gossip (Serf)'),
  tcp(8500, 'HTTP API and web UI'),
  tcp(8600, 'DNS interface'),
  udp(8600, 'DNS interface'),
];
const ETCD = [tcp(2379, 'client API'), tcp(2380, 'peer communication')];
const DNS = [tcp(53, 'DNS'), udp(53, 'DNS')];
const PHP_FPM = [tcp(9000, 'PHP-FPM FastCGI')];
const HTTP_80 = [tcp(80, 'HTTP')];
const HTTP_80_443 = [tcp(80, 'HTTP'), tcp(443, 'HTTPS')];
const HTTP_80_HTTPS_WITH_CERTIFICATE = [tcp(80, 'HTTP'), tcp(443, 'HTTPS', 'a certificate is configured')];
const BITNAMI_HTTP = [tcp(8080, 'HTTP (non-root)'), tcp(8443, 'HTTPS (non-root)')];
const MAIL_CATCHER_1080 = [tcp(1025, 'SMTP (captures mail)'), tcp(1080, 'web UI')];
const MAIL_CATCHER_8025 = [tcp(1025, 'SMTP (captures mail)'), tcp(8025, 'web UI and API')];
const JUPYTER = [tcp(8888, 'Jupyter server (JupyterLab, notebooks)')];
const SELENIUM_NODE = [
  tcp(4444, 'WebDriver (Selenium Grid)'),
  tcp(5900, 'VNC'),
  tcp(7900, 'noVNC (browser view)'),
];
const SYNCTHING = [
  tcp(8384, 'web UI'),
  tcp(22000, 'file synchronisation'),
  udp(22000, 'file synchronisation (QUIC)'),
  udp(21027, 'local discovery'),
];
const JELLYFIN = [
  tcp(8096, 'HTTP web UI and API'),
  tcp(8920, 'HTTPS web UI and API', 'HTTPS is enabled with a certificate'),
  udp(1900, 'DLNA service discovery', 'DLNA is enabled'),
  udp(7359, 'client auto-discovery'),
];
const GITEA = [tcp(3000, 'web UI and API'), tcp(22, 'SSH for Git')];
const GITEA_ROOTLESS = [tcp(3000, 'web UI and API'), tcp(2222, 'SSH for Git (rootless)')];
const RABBITMQ = [
  tcp(4369, 'epmd peer discovery'),
  tcp(5671, 'AMQP over TLS', 'TLS is configured'),
  tcp(5672, 'AMQP 0-9-1 and 1.0 clients'),
  tcp(15691, 'Prometheus metrics over TLS', 'TLS is configured'),
  tcp(15692, 'Prometheus metrics'),
  tcp(25672, 'inter-node and CLI communication'),
];
const OTEL_COLLECTOR = [
  tcp(4317, 'OTLP over gRPC'),
  tcp(4318, 'OTLP over HTTP'),
  tcp(14250, 'Jaeger gRPC receiver'),
  tcp(14268, 'Jaeger Thrift HTTP receiver'),
  udp(6831, 'Jaeger Thrift compact receiver'),
  udp(6832, 'Jaeger Thrift binary receiver'),
  tcp(9411, 'Zipkin receiver'),
  tcp(8888, 'collector own metrics (Prometheus)'),
  tcp(55679, 'zPages debugging'),
  tcp(1777, 'pprof profiling'),
];
const JUPYTER_DOCS = 'https://jupyter-docker-stacks.readthedocs.io/en/latest/using/selecting.html';
const PORTAINER = [
  tcp(9443, 'web UI and API over HTTPS'),
  tcp(9000, 'web UI and API over HTTP (legacy)'),
  tcp(8000, 'Edge agent tunnel'),
];

/** Variants of the php-based official images that run PHP-FPM instead of Apache. */
const FPM_VARIANT: ImageTagRule = { match: /fpm/, ports: PHP_FPM };

/** A linuxserver.io image, published on Docker Hub, lscr.io and ghcr.io alike. */
function linuxServer(name: string, software: string, ports: readonly ImagePort[]): ImageEntry {
  return {
    image: `linuxserver/${name}`,
    software,
    ports,
    source: `https://docs.linuxserver.io/images/docker-${name}`,
    aliases: [`lscr.io/linuxserver/${name}`, `ghcr.io/linuxserver/${name}`],
  };
}

/** A Jupyter Docker Stacks image, published on Docker Hub (until 2023) and quay.io. */
function jupyterStack(name: string, software: string): ImageEntry {
  return { image: `jupyter/${name}`, software, ports: JUPYTER, source: JUPYTER_DOCS, aliases: [`quay.io/jupyter/${name}`] };
}

/**
 * The table as written. Built on the first lookup, not when the extension loads: evaluating
 * these literals took about 20 ms, which activation must not pay.
 */
function buildTable(): ImageEntry[] {
  return [
    // -------------------------------------------------------------------------------------------
    // Relational databases
    // -------------------------------------------------------------------------------------------
    { image: 'postgres', software: 'PostgreSQL', ports: POSTGRES, source: hub('postgres') },
    { image: 'postgis/postgis', software: 'PostGIS (PostgreSQL)', ports: POSTGRES, source: hubRepo('postgis/postgis') },
    {
      image: 'timescale/timescaledb',
      software: 'TimescaleDB (PostgreSQL)',
      ports: POSTGRES,
      source: hubRepo('timescale/timescaledb'),
      aliases: ['timescale/timescaledb-ha'],
    },
    {
      image: 'pgvector/pgvector',
      software: 'PostgreSQL with pgvector',
      ports: POSTGRES,
      source: hubRepo('pgvector/pgvector'),
      aliases: ['ankane/pgvector'],
    },
    { image: 'citusdata/citus', software: 'Citus (PostgreSQL)', ports: POSTGRES, source: hubRepo('citusdata/citus') },
    { image: 'supabase/postgres', software: 'Supabase PostgreSQL', ports: POSTGRES, source: hubRepo('supabase/postgres') },
    {
      image: 'bitnami/postgresql',
      software: 'PostgreSQL (Bitnami)',
      ports: POSTGRES,
      source: hubRepo('bitnami/postgresql'),
      aliases: ['bitnami/postgresql-repmgr'],
    },
    { image: 'bitnami/pgbouncer', software: 'PgBouncer (Bitnami)', ports: [tcp(6432, 'PostgreSQL connection pooler')], source: hubRepo('bitnami/pgbouncer') },
    { image: 'mysql', software: 'MySQL', ports: MYSQL_WITH_X, source: hub('mysql') },
    {
      image: 'mysql/mysql-server',
      software: 'MySQL Server',
      ports: [...MYSQL_WITH_X, tcp(33061, 'Group Replication', 'Group Replication is configured')],
      source: hubRepo('mysql/mysql-server'),
    },
    {
      image: 'container-registry.oracle.com/mysql/community-server',
      software: 'MySQL Community Server',
      ports: MYSQL_WITH_X,
      source: 'https://dev.mysql.com/doc/refman/8.4/en/docker-mysql-getting-started.html',
    },
    { image: 'bitnami/mysql', software: 'MySQL (Bitnami)', ports: MYSQL, source: hubRepo('bitnami/mysql') },
    { image: 'mariadb', software: 'MariaDB', ports: MYSQL, source: hub('mariadb') },
    { image: 'bitnami/mariadb', software: 'MariaDB (Bitnami)', ports: MYSQL, source: hubRepo('bitnami/mariadb') },
    { image: 'bitnami/mariadb-galera', software: 'MariaDB Galera Cluster (Bitnami)', ports: GALERA, source: hubRepo('bitnami/mariadb-galera') },
    {
      image: 'percona',
      software: 'Percona Server for MySQL',
      ports: MYSQL,
      source: hub('percona'),
      aliases: ['percona/percona-server'],
    },
    { image: 'percona/percona-xtradb-cluster', software: 'Percona XtraDB Cluster', ports: GALERA, source: hubRepo('percona/percona-xtradb-cluster') },
    {
      image: 'mcr.microsoft.com/mssql/server',
      software: 'Microsoft SQL Server',
      ports: [tcp(1433, 'SQL connections (TDS)')],
      source: 'https://learn.microsoft.com/en-us/sql/linux/quickstart-install-connect-docker',
    },
    {
      image: 'mcr.microsoft.com/azure-sql-edge',
      software: 'Azure SQL Edge',
      ports: [tcp(1433, 'SQL connections (TDS)')],
      source: 'https://learn.microsoft.com/en-us/azure/azure-sql-edge/disconnected-deployment',
    },
    { image: 'gvenzl/oracle-xe', software: 'Oracle Database Express Edition', ports: [tcp(1521, 'Oracle Net listener')], source: hubRepo('gvenzl/oracle-xe') },
    { image: 'gvenzl/oracle-free', software: 'Oracle Database Free', ports: [tcp(1521, 'Oracle Net listener')], source: hubRepo('gvenzl/oracle-free') },
    {
      image: 'container-registry.oracle.com/database/express',
      software: 'Oracle Database Express Edition',
      ports: [tcp(1521, 'Oracle Net listener'), tcp(5500, 'Enterprise Manager Express')],
      source: 'https://container-registry.oracle.com/ords/ocr/ba/database/express',
    },
    {
      image: 'container-registry.oracle.com/database/free',
      software: 'Oracle Database Free',
      ports: [tcp(1521, 'Oracle Net listener')],
      source: 'https://container-registry.oracle.com/ords/ocr/ba/database/free',
    },
    {
      image: 'container-registry.oracle.com/database/enterprise',
      software: 'Oracle Database Enterprise Edition',
      ports: [tcp(1521, 'Oracle Net listener'), tcp(5500, 'Enterprise Manager Express')],
      source: 'https://container-registry.oracle.com/ords/ocr/ba/database/enterprise',
    },
    {
      image: 'ibmcom/db2',
      software: 'IBM Db2',
      ports: [tcp(50000, 'Db2 client connections (DRDA)')],
      source: hubRepo('ibmcom/db2'),
      aliases: ['icr.io/db2_community/db2'],
    },
    {
      image: 'cockroachdb/cockroach',
      software: 'CockroachDB',
      ports: [tcp(26257, 'SQL (PostgreSQL protocol) and inter-node RPC'), tcp(8080, 'DB Console (web UI)')],
      source: 'https://www.cockroachlabs.com/docs/stable/start-a-local-cluster-in-docker-linux',
    },
    {
      image: 'yugabytedb/yugabyte',
      software: 'YugabyteDB',
      ports: [
        tcp(5433, 'YSQL (PostgreSQL protocol)'),
        tcp(9042, 'YCQL (Cassandra protocol)'),
        tcp(7000, 'YB-Master web UI'),
        tcp(7100, 'YB-Master RPC'),
        tcp(9000, 'YB-TServer web UI'),
        tcp(9100, 'YB-TServer RPC'),
        tcp(15433, 'yugabyted UI'),
      ],
      source: 'https://docs.yugabyte.com/stable/reference/configuration/default-ports/',
    },
    {
      image: 'pingcap/tidb',
      software: 'TiDB',
      ports: [tcp(4000, 'SQL connections (MySQL protocol)'), tcp(10080, 'status and metrics')],
      source: 'https://docs.pingcap.com/tidb/stable/hardware-and-software-requirements',
    },

    // -------------------------------------------------------------------------------------------
    // Key-value, document, wide-column and graph databases
    // -------------------------------------------------------------------------------------------
    { image: 'redis', software: 'Redis', ports: REDIS, source: hub('redis') },
    { image: 'bitnami/redis', software: 'Redis (Bitnami)', ports: REDIS, source: hubRepo('bitnami/redis') },
    { image: 'bitnami/redis-sentinel', software: 'Redis Sentinel (Bitnami)', ports: [tcp(26379, 'Sentinel')], source: hubRepo('bitnami/redis-sentinel') },
    {
      image: 'redis/redis-stack',
      software: 'Redis Stack',
      ports: [...REDIS, tcp(8001, 'RedisInsight web UI')],
      source: hubRepo('redis/redis-stack'),
    },
    { image: 'redis/redis-stack-server', software: 'Redis Stack Server', ports: REDIS, source: hubRepo('redis/redis-stack-server') },
    { image: 'redis/redisinsight', software: 'RedisInsight', ports: [tcp(5540, 'web UI')], source: hubRepo('redis/redisinsight') },
    { image: 'valkey/valkey', software: 'Valkey', ports: REDIS, source: hubRepo('valkey/valkey') },
    { image: 'bitnami/valkey', software: 'Valkey (Bitnami)', ports: REDIS, source: hubRepo('bitnami/valkey') },
    { image: 'eqalpha/keydb', software: 'KeyDB', ports: REDIS, source: hubRepo('eqalpha/keydb') },
    {
      image: 'docker.dragonflydb.io/dragonflydb/dragonfly',
      software: 'Dragonfly',
      ports: REDIS,
      source: 'https://www.dragonflydb.io/docs/getting-started/docker',
    },
    { image: 'memcached', software: 'Memcached', ports: [tcp(11211, 'memcached protocol')], source: hub('memcached') },
    { image: 'bitnami/memcached', software: 'Memcached (Bitnami)', ports: [tcp(11211, 'memcached protocol')], source: hubRepo('bitnami/memcached') },
    {
      image: 'mongo',
      software: 'MongoDB',
      ports: MONGO,
      source: hub('mongo'),
      aliases: ['mongodb/mongodb-community-server'],
    },
    { image: 'bitnami/mongodb', software: 'MongoDB (Bitnami)', ports: MONGO, source: hubRepo('bitnami/mongodb') },
    { image: 'percona/percona-server-mongodb', software: 'Percona Server for MongoDB', ports: MONGO, source: hubRepo('percona/percona-server-mongodb') },
    {
      image: 'cassandra',
      software: 'Apache Cassandra',
      ports: [
        tcp(7000, 'inter-node communication'),
        tcp(7001, 'inter-node communication over TLS', 'internode encryption is enabled'),
        tcp(7199, 'JMX monitoring', 'remote JMX is enabled (LOCAL_JMX=no)'),
        tcp(9042, 'CQL native protocol clients'),
      ],
      source: hub('cassandra'),
    },
    {
      image: 'bitnami/cassandra',
      software: 'Apache Cassandra (Bitnami)',
      ports: [tcp(7000, 'inter-node communication'), tcp(9042, 'CQL native protocol clients')],
      source: hubRepo('bitnami/cassandra'),
    },
    {
      image: 'scylladb/scylla',
      software: 'ScyllaDB',
      ports: [
        tcp(9042, 'CQL native protocol clients'),
        tcp(7000, 'inter-node communication'),
        tcp(7001, 'inter-node communication over TLS', 'internode encryption is enabled'),
        tcp(9180, 'Prometheus metrics'),
      ],
      source: hubRepo('scylladb/scylla'),
    },
    {
      image: 'couchdb',
      software: 'Apache CouchDB',
      ports: [tcp(5984, 'HTTP API'), tcp(4369, 'epmd cluster discovery'), tcp(9100, 'cluster communication')],
      source: hub('couchdb'),
      aliases: ['apache/couchdb'],
    },
    {
      image: 'couchbase',
      software: 'Couchbase Server',
      ports: [
        tcp(8091, 'web console and REST API'),
        tcp(8092, 'views'),
        tcp(8093, 'query service (N1QL)'),
        tcp(8094, 'search service'),
        tcp(8095, 'analytics service'),
        tcp(8096, 'eventing service'),
        tcp(11207, 'data service over TLS'),
        tcp(11210, 'data service (key-value)'),
        tcpRange(18091, 18096, 'the services above over TLS'),
      ],
      source: hub('couchbase'),
      aliases: ['couchbase/server'],
    },
    {
      image: 'neo4j',
      software: 'Neo4j',
      ports: [tcp(7474, 'HTTP (Browser and API)'), tcp(7473, 'HTTPS', 'the HTTPS connector is enabled'), tcp(7687, 'Bolt protocol')],
      source: hub('neo4j'),
    },
    {
      image: 'memgraph/memgraph',
      software: 'Memgraph',
      ports: [tcp(7687, 'Bolt protocol'), tcp(7444, 'log streaming (for Memgraph Lab)')],
      source: 'https://memgraph.com/docs/getting-started/install-memgraph/docker',
      aliases: ['memgraph/memgraph-mage'],
    },
    {
      image: 'memgraph/memgraph-platform',
      software: 'Memgraph Platform',
      ports: [tcp(7687, 'Bolt protocol'), tcp(7444, 'log streaming'), tcp(3000, 'Memgraph Lab web UI')],
      source: 'https://github.com/memgraph/memgraph-platform',
    },
    { image: 'memgraph/lab', software: 'Memgraph Lab', ports: [tcp(3000, 'web UI')], source: 'https://memgraph.com/docs/memgraph-lab/getting-started/installation-and-deployment' },
    {
      image: 'arangodb',
      software: 'ArangoDB',
      ports: [tcp(8529, 'HTTP API and web UI')],
      source: hub('arangodb'),
      aliases: ['arangodb/arangodb'],
    },
    {
      image: 'rethinkdb',
      software: 'RethinkDB',
      ports: [tcp(8080, 'web admin UI'), tcp(28015, 'client driver connections'), tcp(29015, 'intracluster connections')],
      source: hub('rethinkdb'),
    },
    {
      image: 'orientdb',
      software: 'OrientDB',
      ports: [tcp(2424, 'binary protocol'), tcp(2480, 'HTTP API and Studio')],
      source: hub('orientdb'),
    },
    {
      image: 'surrealdb/surrealdb',
      software: 'SurrealDB',
      ports: [tcp(8000, 'HTTP and WebSocket API')],
      source: 'https://surrealdb.com/docs/surrealdb/installation/running/docker',
    },
    {
      image: 'eventstore/eventstore',
      software: 'EventStoreDB',
      ports: [tcp(2113, 'HTTP and gRPC API, web UI')],
      source: hubRepo('eventstore/eventstore'),
    },
    {
      image: 'ravendb/ravendb',
      software: 'RavenDB',
      ports: [tcp(8080, 'HTTP API and Studio'), tcp(38888, 'TCP cluster and client connections')],
      source: hubRepo('ravendb/ravendb'),
    },
    { image: 'hazelcast/hazelcast', software: 'Hazelcast', ports: [tcp(5701, 'member and client connections')], source: hubRepo('hazelcast/hazelcast') },
    { image: 'foundationdb/foundationdb', software: 'FoundationDB', ports: [tcp(4500, 'cluster and client connections')], source: hubRepo('foundationdb/foundationdb') },
    {
      image: 'amazon/dynamodb-local',
      software: 'Amazon DynamoDB Local',
      ports: [tcp(8000, 'DynamoDB API')],
      source: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DynamoDBLocal.DownloadingAndRunning.html',
    },
    {
      image: 'mcr.microsoft.com/azure-storage/azurite',
      software: 'Azurite (Azure Storage emulator)',
      ports: [tcp(10000, 'Blob service'), tcp(10001, 'Queue service'), tcp(10002, 'Table service')],
      source: 'https://learn.microsoft.com/en-us/azure/storage/common/storage-use-azurite',
    },
    {
      image: 'mcr.microsoft.com/cosmosdb/linux/azure-cosmos-emulator',
      software: 'Azure Cosmos DB Emulator',
      ports: [tcp(8081, 'data explorer and API'), tcpRange(10250, 10255, 'direct-mode and MongoDB API endpoints')],
      source: 'https://learn.microsoft.com/en-us/azure/cosmos-db/how-to-develop-emulator',
    },

    // -------------------------------------------------------------------------------------------
    // Analytics and time-series databases
    // -------------------------------------------------------------------------------------------
    {
      image: 'clickhouse/clickhouse-server',
      software: 'ClickHouse',
      ports: [tcp(8123, 'HTTP interface'), tcp(9000, 'native protocol clients'), tcp(9009, 'inter-server replication')],
      source: hubRepo('clickhouse/clickhouse-server'),
      aliases: ['clickhouse', 'yandex/clickhouse-server'],
    },
    {
      image: 'questdb/questdb',
      software: 'QuestDB',
      ports: [
        tcp(9000, 'REST API, web console and ILP over HTTP'),
        tcp(9009, 'InfluxDB line protocol over TCP'),
        tcp(8812, 'PostgreSQL wire protocol'),
        tcp(9003, 'health check and metrics'),
      ],
      source: 'https://questdb.com/docs/deployment/docker/',
    },
    { image: 'influxdb', software: 'InfluxDB', ports: [tcp(8086, 'HTTP API and UI')], source: hub('influxdb') },
    {
      image: 'bitnami/influxdb',
      software: 'InfluxDB (Bitnami)',
      ports: [tcp(8086, 'HTTP API and UI'), tcp(8088, 'RPC for backup and restore')],
      source: hubRepo('bitnami/influxdb'),
    },
    {
      image: 'telegraf',
      software: 'Telegraf',
      // The image's default configuration collects host metrics only; these inputs are opt-in.
      ports: [
        udp(8125, 'StatsD input', 'the statsd input is configured'),
        udp(8092, 'UDP listener input', 'a socket_listener input is configured'),
        tcp(8094, 'TCP listener input', 'a socket_listener input is configured'),
      ],
      source: hub('telegraf'),
    },
    { image: 'chronograf', software: 'Chronograf', ports: [tcp(8888, 'web UI')], source: hub('chronograf') },
    { image: 'kapacitor', software: 'Kapacitor', ports: [tcp(9092, 'HTTP API')], source: hub('kapacitor') },
    {
      image: 'victoriametrics/victoria-metrics',
      software: 'VictoriaMetrics',
      ports: [tcp(8428, 'HTTP API, ingestion and UI')],
      source: 'https://docs.victoriametrics.com/single-server-victoriametrics/',
    },
    { image: 'victoriametrics/vmagent', software: 'VictoriaMetrics vmagent', ports: [tcp(8429, 'HTTP API and metrics')], source: 'https://docs.victoriametrics.com/vmagent/' },
    { image: 'victoriametrics/vmalert', software: 'VictoriaMetrics vmalert', ports: [tcp(8880, 'HTTP API and UI')], source: 'https://docs.victoriametrics.com/vmalert/' },
    { image: 'victoriametrics/vmauth', software: 'VictoriaMetrics vmauth', ports: [tcp(8427, 'authenticating proxy')], source: 'https://docs.victoriametrics.com/vmauth/' },
    {
      image: 'graphiteapp/graphite-statsd',
      software: 'Graphite with StatsD',
      ports: [
        tcp(80, 'Graphite web UI'),
        tcp(2003, 'Carbon plaintext receiver'),
        tcp(2004, 'Carbon pickle receiver'),
        tcp(2023, 'Carbon aggregator plaintext'),
        tcp(2024, 'Carbon aggregator pickle'),
        udp(8125, 'StatsD metrics'),
        tcp(8126, 'StatsD admin'),
      ],
      source: 'https://graphite.readthedocs.io/en/latest/install.html#docker',
    },
    {
      image: 'trinodb/trino',
      software: 'Trino',
      ports: [tcp(8080, 'HTTP API and web UI')],
      source: 'https://trino.io/docs/current/installation/containers.html',
    },
    {
      image: 'bitnami/spark',
      software: 'Apache Spark (Bitnami)',
      ports: [tcp(7077, 'Spark master'), tcp(8080, 'Spark master web UI')],
      source: hubRepo('bitnami/spark'),
    },

    // -------------------------------------------------------------------------------------------
    // Search engines and vector databases
    // -------------------------------------------------------------------------------------------
    { image: 'elasticsearch', software: 'Elasticsearch', ports: ELASTICSEARCH, source: hub('elasticsearch') },
    {
      image: 'docker.elastic.co/elasticsearch/elasticsearch',
      software: 'Elasticsearch',
      ports: ELASTICSEARCH,
      source: 'https://www.elastic.co/guide/en/elasticsearch/reference/current/docker.html',
    },
    { image: 'bitnami/elasticsearch', software: 'Elasticsearch (Bitnami)', ports: ELASTICSEARCH, source: hubRepo('bitnami/elasticsearch') },
    { image: 'kibana', software: 'Kibana', ports: KIBANA, source: hub('kibana') },
    {
      image: 'docker.elastic.co/kibana/kibana',
      software: 'Kibana',
      ports: KIBANA,
      source: 'https://www.elastic.co/guide/en/kibana/current/docker.html',
    },
    { image: 'bitnami/kibana', software: 'Kibana (Bitnami)', ports: KIBANA, source: hubRepo('bitnami/kibana') },
    { image: 'logstash', software: 'Logstash', ports: LOGSTASH, source: hub('logstash') },
    {
      image: 'docker.elastic.co/logstash/logstash',
      software: 'Logstash',
      ports: LOGSTASH,
      source: 'https://www.elastic.co/guide/en/logstash/current/docker.html',
    },
    {
      image: 'docker.elastic.co/apm/apm-server',
      software: 'Elastic APM Server',
      ports: [tcp(8200, 'APM agent intake')],
      source: 'https://www.elastic.co/guide/en/observability/current/apm-running-on-docker.html',
    },
    {
      image: 'opensearchproject/opensearch',
      software: 'OpenSearch',
      ports: [...ELASTICSEARCH, tcp(9600, 'Performance Analyzer')],
      source: 'https://opensearch.org/docs/latest/install-and-configure/install-opensearch/docker/',
    },
    {
      image: 'opensearchproject/opensearch-dashboards',
      software: 'OpenSearch Dashboards',
      ports: KIBANA,
      source: 'https://opensearch.org/docs/latest/install-and-configure/install-dashboards/docker/',
    },
    { image: 'solr', software: 'Apache Solr', ports: [tcp(8983, 'HTTP API and admin UI')], source: hub('solr') },
    { image: 'getmeili/meilisearch', software: 'Meilisearch', ports: [tcp(7700, 'HTTP API')], source: hubRepo('getmeili/meilisearch') },
    {
      image: 'typesense/typesense',
      software: 'Typesense',
      ports: [tcp(8108, 'HTTP API')],
      source: 'https://typesense.org/docs/guide/install-typesense.html',
    },
    {
      image: 'qdrant/qdrant',
      software: 'Qdrant',
      ports: [tcp(6333, 'HTTP API and web UI'), tcp(6334, 'gRPC API')],
      source: 'https://qdrant.tech/documentation/quickstart/',
    },
    {
      image: 'semitechnologies/weaviate',
      software: 'Weaviate',
      ports: [tcp(8080, 'REST and GraphQL API'), tcp(50051, 'gRPC API')],
      source: 'https://weaviate.io/developers/weaviate/installation/docker-compose',
      aliases: ['cr.weaviate.io/semitechnologies/weaviate'],
    },
    {
      image: 'chromadb/chroma',
      software: 'Chroma',
      ports: [tcp(8000, 'HTTP API')],
      source: 'https://docs.trychroma.com/production/containers/docker',
    },
    {
      image: 'milvusdb/milvus',
      software: 'Milvus',
      ports: [tcp(19530, 'gRPC and REST API'), tcp(9091, 'health check and metrics')],
      source: 'https://milvus.io/docs/install_standalone-docker.md',
    },
    {
      image: 'manticoresearch/manticore',
      software: 'Manticore Search',
      ports: [tcp(9306, 'SQL (MySQL protocol)'), tcp(9308, 'HTTP API'), tcp(9312, 'binary API')],
      source: hubRepo('manticoresearch/manticore'),
    },

    // -------------------------------------------------------------------------------------------
    // Messaging and streaming
    // -------------------------------------------------------------------------------------------
    {
      image: 'rabbitmq',
      software: 'RabbitMQ',
      ports: RABBITMQ,
      source: hub('rabbitmq'),
      tags: [
        {
          match: /management/,
          ports: [...RABBITMQ, tcp(15671, 'management UI and HTTP API over TLS', 'TLS is configured'), tcp(15672, 'management UI and HTTP API')],
        },
      ],
    },
    {
      image: 'bitnami/rabbitmq',
      software: 'RabbitMQ (Bitnami)',
      ports: [
        tcp(4369, 'epmd peer discovery'),
        tcp(5551, 'RabbitMQ Streams over TLS', 'the stream plugin and TLS are enabled'),
        tcp(5552, 'RabbitMQ Streams', 'the stream plugin is enabled'),
        tcp(5671, 'AMQP over TLS', 'TLS is configured'),
        tcp(5672, 'AMQP clients'),
        tcp(15671, 'management UI over TLS', 'TLS is configured'),
        tcp(15672, 'management UI and HTTP API'),
        tcp(25672, 'inter-node and CLI communication'),
      ],
      source: hubRepo('bitnami/rabbitmq'),
    },
    {
      image: 'apache/kafka',
      software: 'Apache Kafka',
      ports: [tcp(9092, 'Kafka clients')],
      source: hubRepo('apache/kafka'),
      aliases: ['apache/kafka-native'],
    },
    { image: 'bitnami/kafka', software: 'Apache Kafka (Bitnami)', ports: [tcp(9092, 'Kafka clients')], source: hubRepo('bitnami/kafka') },
    {
      image: 'confluentinc/cp-kafka',
      software: 'Confluent Platform Kafka',
      ports: [tcp(9092, 'Kafka clients')],
      source: 'https://docs.confluent.io/platform/current/installation/docker/config-reference.html',
      aliases: ['confluentinc/cp-server'],
    },
    {
      image: 'confluentinc/cp-zookeeper',
      software: 'Confluent Platform ZooKeeper',
      ports: ZOOKEEPER,
      source: 'https://docs.confluent.io/platform/current/installation/docker/config-reference.html',
    },
    {
      image: 'confluentinc/cp-schema-registry',
      software: 'Confluent Schema Registry',
      ports: [tcp(8081, 'REST API')],
      source: 'https://docs.confluent.io/platform/current/installation/docker/config-reference.html',
    },
    {
      image: 'confluentinc/cp-kafka-rest',
      software: 'Confluent REST Proxy',
      ports: [tcp(8082, 'REST API')],
      source: 'https://docs.confluent.io/platform/current/installation/docker/config-reference.html',
    },
    {
      image: 'confluentinc/cp-kafka-connect',
      software: 'Kafka Connect (Confluent)',
      ports: [tcp(8083, 'REST API')],
      source: 'https://docs.confluent.io/platform/current/installation/docker/config-reference.html',
      aliases: ['confluentinc/cp-kafka-connect-base'],
    },
    {
      image: 'confluentinc/cp-ksqldb-server',
      software: 'ksqlDB Server',
      ports: [tcp(8088, 'REST API')],
      source: 'https://docs.confluent.io/platform/current/installation/docker/config-reference.html',
      aliases: ['confluentinc/ksqldb-server'],
    },
    {
      image: 'confluentinc/cp-enterprise-control-center',
      software: 'Confluent Control Center',
      ports: [tcp(9021, 'web UI')],
      source: 'https://docs.confluent.io/platform/current/installation/docker/config-reference.html',
    },
    {
      image: 'redpandadata/redpanda',
      software: 'Redpanda',
      ports: [
        tcp(9092, 'Kafka API'),
        tcp(8081, 'Schema Registry'),
        tcp(8082, 'HTTP Proxy (Pandaproxy)'),
        tcp(9644, 'Admin API'),
        tcp(33145, 'internal RPC'),
      ],
      source: 'https://docs.redpanda.com/current/get-started/quick-start/',
      aliases: ['docker.redpanda.com/redpandadata/redpanda', 'vectorized/redpanda', 'docker.vectorized.io/vectorized/redpanda'],
    },
    {
      image: 'redpandadata/console',
      software: 'Redpanda Console',
      ports: [tcp(8080, 'web UI')],
      source: 'https://docs.redpanda.com/current/get-started/quick-start/',
      aliases: ['docker.redpanda.com/redpandadata/console', 'vectorized/console'],
    },
    {
      image: 'provectuslabs/kafka-ui',
      software: 'UI for Apache Kafka',
      ports: [tcp(8080, 'web UI')],
      source: 'https://github.com/provectus/kafka-ui',
      aliases: ['kafbat/kafka-ui', 'ghcr.io/kafbat/kafka-ui'],
    },
    { image: 'obsidiandynamics/kafdrop', software: 'Kafdrop', ports: [tcp(9000, 'web UI')], source: hubRepo('obsidiandynamics/kafdrop') },
    {
      image: 'zookeeper',
      software: 'Apache ZooKeeper',
      ports: [...ZOOKEEPER, tcp(8080, 'AdminServer HTTP')],
      source: hub('zookeeper'),
    },
    {
      image: 'bitnami/zookeeper',
      software: 'Apache ZooKeeper (Bitnami)',
      ports: [...ZOOKEEPER, tcp(8080, 'AdminServer HTTP')],
      source: hubRepo('bitnami/zookeeper'),
    },
    { image: 'nats', software: 'NATS', ports: NATS, source: hub('nats') },
    { image: 'bitnami/nats', software: 'NATS (Bitnami)', ports: NATS, source: hubRepo('bitnami/nats') },
    {
      image: 'nats-streaming',
      software: 'NATS Streaming',
      ports: [tcp(4222, 'client connections'), tcp(8222, 'HTTP monitoring')],
      source: hub('nats-streaming'),
    },
    {
      image: 'eclipse-mosquitto',
      software: 'Eclipse Mosquitto',
      // Without a listener in its configuration, Mosquitto 2 binds to localhost only.
      ports: [tcp(1883, 'MQTT', 'a listener is configured (Mosquitto 2)')],
      source: hub('eclipse-mosquitto'),
    },
    {
      image: 'emqx',
      software: 'EMQX',
      ports: [
        tcp(1883, 'MQTT'),
        tcp(8883, 'MQTT over TLS'),
        tcp(8083, 'MQTT over WebSocket'),
        tcp(8084, 'MQTT over secure WebSocket'),
        tcp(18083, 'dashboard and HTTP API'),
      ],
      source: hub('emqx'),
      aliases: ['emqx/emqx', 'emqx/emqx-enterprise'],
    },
    { image: 'hivemq/hivemq-ce', software: 'HiveMQ Community Edition', ports: [tcp(1883, 'MQTT')], source: hubRepo('hivemq/hivemq-ce') },
    {
      image: 'hivemq/hivemq4',
      software: 'HiveMQ',
      ports: [tcp(1883, 'MQTT'), tcp(8080, 'Control Center web UI')],
      source: hubRepo('hivemq/hivemq4'),
    },
    {
      image: 'apache/activemq-classic',
      software: 'Apache ActiveMQ Classic',
      ports: [
        tcp(61616, 'OpenWire clients'),
        tcp(8161, 'web console'),
        tcp(5672, 'AMQP'),
        tcp(61613, 'STOMP'),
        tcp(1883, 'MQTT'),
        tcp(61614, 'WebSocket'),
      ],
      source: hubRepo('apache/activemq-classic'),
      aliases: ['rmohr/activemq'],
    },
    {
      image: 'apache/activemq-artemis',
      software: 'Apache ActiveMQ Artemis',
      ports: [
        tcp(61616, 'all protocols (Core, OpenWire, AMQP, STOMP, MQTT)'),
        tcp(8161, 'web console'),
        tcp(5672, 'AMQP'),
        tcp(61613, 'STOMP'),
        tcp(1883, 'MQTT'),
        tcp(5445, 'HornetQ clients'),
      ],
      source: hubRepo('apache/activemq-artemis'),
    },
    {
      image: 'apachepulsar/pulsar',
      software: 'Apache Pulsar',
      ports: [tcp(6650, 'Pulsar binary protocol'), tcp(8080, 'HTTP admin and REST API')],
      source: 'https://pulsar.apache.org/docs/next/getting-started-docker/',
      aliases: ['apachepulsar/pulsar-all'],
    },

    // -------------------------------------------------------------------------------------------
    // Web servers, reverse proxies and gateways
    // -------------------------------------------------------------------------------------------
    { image: 'nginx', software: 'nginx', ports: HTTP_80, source: hub('nginx') },
    {
      image: 'nginxinc/nginx-unprivileged',
      software: 'nginx (unprivileged)',
      ports: [tcp(8080, 'HTTP (non-root)')],
      source: hubRepo('nginxinc/nginx-unprivileged'),
    },
    { image: 'bitnami/nginx', software: 'nginx (Bitnami)', ports: BITNAMI_HTTP, source: hubRepo('bitnami/nginx') },
    { image: 'openresty/openresty', software: 'OpenResty', ports: HTTP_80, source: hubRepo('openresty/openresty') },
    { image: 'httpd', software: 'Apache HTTP Server', ports: HTTP_80, source: hub('httpd') },
    { image: 'bitnami/apache', software: 'Apache HTTP Server (Bitnami)', ports: BITNAMI_HTTP, source: hubRepo('bitnami/apache') },
    {
      image: 'traefik',
      software: 'Traefik',
      ports: [tcp(80, 'HTTP entry point'), tcp(8080, 'API and dashboard', 'started with --api.insecure')],
      source: hub('traefik'),
    },
    {
      image: 'caddy',
      software: 'Caddy',
      ports: [
        tcp(80, 'HTTP'),
        tcp(443, 'HTTPS'),
        udp(443, 'HTTP/3 (QUIC)'),
        tcp(2019, 'admin API', 'the admin endpoint is bound beyond localhost'),
      ],
      source: hub('caddy'),
      tags: [{ match: /builder/, ports: [] }],
    },
    {
      image: 'envoyproxy/envoy',
      software: 'Envoy',
      ports: [tcp(10000, 'listener of the bundled example configuration'), tcp(9901, 'admin interface')],
      source: hubRepo('envoyproxy/envoy'),
    },
    {
      image: 'kong',
      software: 'Kong Gateway',
      ports: [
        tcp(8000, 'proxy (HTTP)'),
        tcp(8443, 'proxy (HTTPS)'),
        tcp(8001, 'Admin API', 'KONG_ADMIN_LISTEN binds beyond localhost'),
        tcp(8444, 'Admin API over HTTPS', 'KONG_ADMIN_LISTEN binds beyond localhost'),
      ],
      source: hub('kong'),
    },
    {
      image: 'kong/kong-gateway',
      software: 'Kong Gateway',
      ports: [
        tcp(8000, 'proxy (HTTP)'),
        tcp(8443, 'proxy (HTTPS)'),
        tcp(8001, 'Admin API', 'KONG_ADMIN_LISTEN binds beyond localhost'),
        tcp(8444, 'Admin API over HTTPS', 'KONG_ADMIN_LISTEN binds beyond localhost'),
        tcp(8002, 'Kong Manager'),
        tcp(8445, 'Kong Manager over HTTPS'),
      ],
      source: 'https://docs.konghq.com/gateway/latest/install/docker/',
    },
    { image: 'tykio/tyk-gateway', software: 'Tyk Gateway', ports: [tcp(8080, 'gateway and API')], source: hubRepo('tykio/tyk-gateway') },
    {
      image: 'apache/apisix',
      software: 'Apache APISIX',
      ports: [tcp(9080, 'proxy (HTTP)'), tcp(9443, 'proxy (HTTPS)'), tcp(9180, 'Admin API')],
      source: 'https://apisix.apache.org/docs/apisix/installation-guide/',
    },
    { image: 'varnish', software: 'Varnish Cache', ports: [tcp(80, 'HTTP'), tcp(8443, 'PROXY protocol (behind a TLS terminator)')], source: hub('varnish') },
    {
      image: 'ubuntu/squid',
      software: 'Squid',
      ports: [tcp(3128, 'HTTP proxy')],
      source: hubRepo('ubuntu/squid'),
      aliases: ['sameersbn/squid'],
    },
    {
      image: 'registry.k8s.io/ingress-nginx/controller',
      software: 'ingress-nginx controller',
      ports: [tcp(80, 'HTTP'), tcp(443, 'HTTPS'), tcp(8443, 'admission webhook'), tcp(10254, 'health checks and metrics')],
      source: 'https://kubernetes.github.io/ingress-nginx/deploy/',
      aliases: ['k8s.gcr.io/ingress-nginx/controller'],
    },
    {
      image: 'jc21/nginx-proxy-manager',
      software: 'Nginx Proxy Manager',
      ports: [tcp(80, 'HTTP'), tcp(443, 'HTTPS'), tcp(81, 'admin web UI')],
      source: 'https://nginxproxymanager.com/guide/',
    },
    linuxServer('swag', 'SWAG (Secure Web Application Gateway)', HTTP_80_443),
    {
      image: 'traefik/whoami',
      software: 'whoami (Traefik test service)',
      ports: HTTP_80,
      source: hubRepo('traefik/whoami'),
      aliases: ['containous/whoami'],
    },
    { image: 'kennethreitz/httpbin', software: 'httpbin', ports: HTTP_80, source: hubRepo('kennethreitz/httpbin') },
    { image: 'mccutchen/go-httpbin', software: 'go-httpbin', ports: [tcp(8080, 'HTTP')], source: hubRepo('mccutchen/go-httpbin') },
    { image: 'hashicorp/http-echo', software: 'http-echo', ports: [tcp(5678, 'HTTP')], source: hubRepo('hashicorp/http-echo') },
    { image: 'ealen/echo-server', software: 'echo-server', ports: HTTP_80, source: hubRepo('ealen/echo-server') },

    // -------------------------------------------------------------------------------------------
    // Application servers and language runtimes that serve by default
    // -------------------------------------------------------------------------------------------
    { image: 'tomcat', software: 'Apache Tomcat', ports: [tcp(8080, 'HTTP connector')], source: hub('tomcat') },
    { image: 'bitnami/tomcat', software: 'Apache Tomcat (Bitnami)', ports: [tcp(8080, 'HTTP connector')], source: hubRepo('bitnami/tomcat') },
    { image: 'jetty', software: 'Eclipse Jetty', ports: [tcp(8080, 'HTTP')], source: hub('jetty') },
    {
      image: 'quay.io/wildfly/wildfly',
      software: 'WildFly',
      ports: [tcp(8080, 'HTTP'), tcp(9990, 'management console and API', 'started with -bmanagement 0.0.0.0')],
      source: 'https://quay.io/repository/wildfly/wildfly',
      aliases: ['jboss/wildfly'],
    },
    {
      image: 'open-liberty',
      software: 'Open Liberty',
      ports: [tcp(9080, 'HTTP'), tcp(9443, 'HTTPS')],
      source: hub('open-liberty'),
      aliases: ['icr.io/appcafe/open-liberty'],
    },
    { image: 'websphere-liberty', software: 'WebSphere Liberty', ports: [tcp(9080, 'HTTP'), tcp(9443, 'HTTPS')], source: hub('websphere-liberty') },
    {
      image: 'payara/server-full',
      software: 'Payara Server',
      ports: [tcp(4848, 'admin console'), tcp(8080, 'HTTP'), tcp(8181, 'HTTPS')],
      source: hubRepo('payara/server-full'),
    },
    { image: 'payara/micro', software: 'Payara Micro', ports: [tcp(8080, 'HTTP')], source: hubRepo('payara/micro') },
    {
      image: 'php',
      software: 'PHP',
      // The default variant is the CLI, which listens on nothing.
      ports: [],
      source: hub('php'),
      tags: [FPM_VARIANT, { match: /apache/, ports: [tcp(80, 'HTTP (Apache with mod_php)')] }],
    },
    { image: 'bitnami/php-fpm', software: 'PHP-FPM (Bitnami)', ports: PHP_FPM, source: hubRepo('bitnami/php-fpm') },

    // -------------------------------------------------------------------------------------------
    // Content management, collaboration and business applications
    // -------------------------------------------------------------------------------------------
    {
      image: 'wordpress',
      software: 'WordPress',
      ports: HTTP_80,
      source: hub('wordpress'),
      tags: [FPM_VARIANT, { match: /^cli/, ports: [] }],
    },
    { image: 'bitnami/wordpress', software: 'WordPress (Bitnami)', ports: BITNAMI_HTTP, source: hubRepo('bitnami/wordpress') },
    { image: 'ghost', software: 'Ghost', ports: [tcp(2368, 'HTTP')], source: hub('ghost') },
    { image: 'drupal', software: 'Drupal', ports: HTTP_80, source: hub('drupal'), tags: [FPM_VARIANT] },
    { image: 'joomla', software: 'Joomla', ports: HTTP_80, source: hub('joomla'), tags: [FPM_VARIANT] },
    { image: 'nextcloud', software: 'Nextcloud', ports: HTTP_80, source: hub('nextcloud'), tags: [FPM_VARIANT] },
    { image: 'mediawiki', software: 'MediaWiki', ports: HTTP_80, source: hub('mediawiki'), tags: [FPM_VARIANT] },
    { image: 'matomo', software: 'Matomo', ports: HTTP_80, source: hub('matomo'), tags: [FPM_VARIANT] },
    {
      image: 'phpmyadmin',
      software: 'phpMyAdmin',
      ports: HTTP_80,
      source: hub('phpmyadmin'),
      aliases: ['phpmyadmin/phpmyadmin'],
      tags: [FPM_VARIANT],
    },
    { image: 'bitnami/phpmyadmin', software: 'phpMyAdmin (Bitnami)', ports: BITNAMI_HTTP, source: hubRepo('bitnami/phpmyadmin') },
    {
      image: 'adminer',
      software: 'Adminer',
      ports: [tcp(8080, 'web UI (PHP built-in server)')],
      source: hub('adminer'),
      tags: [{ match: /fastcgi/, ports: PHP_FPM }],
    },
    {
      image: 'odoo',
      software: 'Odoo',
      ports: [tcp(8069, 'web UI and RPC'), tcp(8072, 'long polling and websocket (gevent)')],
      source: hub('odoo'),
    },
    { image: 'redmine', software: 'Redmine', ports: [tcp(3000, 'HTTP')], source: hub('redmine') },
    { image: 'owncloud/server', software: 'ownCloud', ports: [tcp(8080, 'HTTP')], source: hubRepo('owncloud/server') },
    {
      image: 'directus/directus',
      software: 'Directus',
      ports: [tcp(8055, 'HTTP API and web app')],
      source: 'https://docs.directus.io/self-hosted/docker-guide.html',
    },
    {
      image: 'hasura/graphql-engine',
      software: 'Hasura GraphQL Engine',
      ports: [tcp(8080, 'GraphQL API and console')],
      source: 'https://hasura.io/docs/latest/deployment/deployment-guides/docker/',
    },
    {
      image: 'postgrest/postgrest',
      software: 'PostgREST',
      ports: [tcp(3000, 'REST API')],
      source: 'https://docs.postgrest.org/en/stable/explanations/install.html#docker',
    },
    {
      image: 'nocodb/nocodb',
      software: 'NocoDB',
      ports: [tcp(8080, 'web UI and API')],
      source: 'https://docs.nocodb.com/getting-started/self-hosted/installation/docker-install',
    },
    {
      image: 'appsmith/appsmith-ce',
      software: 'Appsmith',
      ports: HTTP_80_HTTPS_WITH_CERTIFICATE,
      source: 'https://docs.appsmith.com/getting-started/setup/installation-guides/docker',
    },
    {
      image: 'outlinewiki/outline',
      software: 'Outline',
      ports: [tcp(3000, 'HTTP')],
      source: 'https://docs.getoutline.com/s/hosting/doc/docker-7pfeLP5a8t',
    },
    {
      image: 'ghcr.io/requarks/wiki',
      software: 'Wiki.js',
      ports: [tcp(3000, 'HTTP')],
      source: 'https://docs.requarks.io/install/docker',
      aliases: ['requarks/wiki'],
    },
    linuxServer('bookstack', 'BookStack', HTTP_80),
    {
      image: 'mattermost/mattermost-team-edition',
      software: 'Mattermost',
      ports: [tcp(8065, 'HTTP')],
      source: 'https://docs.mattermost.com/install/install-docker.html',
      aliases: ['mattermost/mattermost-enterprise-edition'],
    },
    {
      image: 'rocket.chat',
      software: 'Rocket.Chat',
      ports: [tcp(3000, 'HTTP')],
      source: hub('rocket.chat'),
      aliases: ['rocketchat/rocket.chat', 'registry.rocket.chat/rocketchat/rocket.chat'],
    },
    {
      image: 'matrixdotorg/synapse',
      software: 'Synapse (Matrix homeserver)',
      ports: [
        tcp(8008, 'client and federation API (HTTP)'),
        tcp(8009, 'client and federation API (HTTPS)', 'a TLS listener is configured'),
        tcp(8448, 'federation over TLS', 'a TLS listener is configured'),
      ],
      source: hubRepo('matrixdotorg/synapse'),
    },
    { image: 'vectorim/element-web', software: 'Element Web', ports: HTTP_80, source: hubRepo('vectorim/element-web') },
    {
      image: 'jitsi/web',
      software: 'Jitsi Meet web',
      ports: HTTP_80_443,
      source: 'https://jitsi.github.io/handbook/docs/devops-guide/devops-guide-docker/',
    },
    {
      image: 'jitsi/jvb',
      software: 'Jitsi Videobridge',
      ports: [udp(10000, 'media (RTP)')],
      source: 'https://jitsi.github.io/handbook/docs/devops-guide/devops-guide-docker/',
    },
    {
      image: 'jitsi/prosody',
      software: 'Prosody (Jitsi XMPP server)',
      ports: [tcp(5222, 'XMPP clients'), tcp(5280, 'BOSH and WebSocket'), tcp(5347, 'XMPP components')],
      source: 'https://jitsi.github.io/handbook/docs/devops-guide/devops-guide-docker/',
    },
    {
      image: 'vaultwarden/server',
      software: 'Vaultwarden',
      ports: [tcp(80, 'web vault and API')],
      source: 'https://github.com/dani-garcia/vaultwarden/wiki/Using-Docker-Compose',
      aliases: ['bitwardenrs/server'],
    },
    {
      image: 'collabora/code',
      software: 'Collabora Online (CODE)',
      ports: [tcp(9980, 'HTTPS (WOPI and editor)')],
      source: 'https://sdk.collaboraonline.com/docs/installation/CODE_Docker_image.html',
    },
    {
      image: 'onlyoffice/documentserver',
      software: 'ONLYOFFICE Docs',
      ports: HTTP_80_HTTPS_WITH_CERTIFICATE,
      source: 'https://helpcenter.onlyoffice.com/installation/docs-community-install-docker.aspx',
    },
    {
      image: 'gotenberg/gotenberg',
      software: 'Gotenberg',
      ports: [tcp(3000, 'HTTP API')],
      source: 'https://gotenberg.dev/docs/getting-started/installation',
    },
    { image: 'apache/tika', software: 'Apache Tika Server', ports: [tcp(9998, 'REST API')], source: hubRepo('apache/tika') },
    {
      image: 'ghcr.io/paperless-ngx/paperless-ngx',
      software: 'Paperless-ngx',
      ports: [tcp(8000, 'web UI')],
      source: 'https://docs.paperless-ngx.com/setup/',
    },
    {
      image: 'photoprism/photoprism',
      software: 'PhotoPrism',
      ports: [tcp(2342, 'web UI')],
      source: 'https://docs.photoprism.app/getting-started/docker-compose/',
    },
    {
      image: 'unleashorg/unleash-server',
      software: 'Unleash',
      ports: [tcp(4242, 'API and admin UI')],
      source: 'https://docs.getunleash.io/using-unleash/deploy/getting-started',
    },

    // -------------------------------------------------------------------------------------------
    // Home, media and self-hosted utilities
    // -------------------------------------------------------------------------------------------
    {
      image: 'pihole/pihole',
      software: 'Pi-hole',
      ports: [...DNS, tcp(80, 'web admin UI'), tcp(443, 'web admin UI over HTTPS'), udp(67, 'DHCP', 'the DHCP server is enabled')],
      source: 'https://github.com/pi-hole/docker-pi-hole',
    },
    {
      image: 'adguard/adguardhome',
      software: 'AdGuard Home',
      ports: [...DNS, tcp(3000, 'first-run setup wizard'), tcp(80, 'web UI', 'the setup wizard is complete')],
      source: hubRepo('adguard/adguardhome'),
    },
    {
      image: 'homeassistant/home-assistant',
      software: 'Home Assistant',
      ports: [tcp(8123, 'web UI and API')],
      source: 'https://www.home-assistant.io/installation/linux#docker-compose',
      aliases: ['ghcr.io/home-assistant/home-assistant'],
    },
    {
      image: 'jellyfin/jellyfin',
      software: 'Jellyfin',
      ports: JELLYFIN,
      source: 'https://jellyfin.org/docs/general/installation/container',
      aliases: ['ghcr.io/jellyfin/jellyfin'],
    },
    linuxServer('jellyfin', 'Jellyfin', JELLYFIN),
    {
      image: 'plexinc/pms-docker',
      software: 'Plex Media Server',
      ports: [
        tcp(32400, 'Plex Media Server'),
        tcp(8324, 'Roku control via Plex Companion'),
        tcp(32469, 'DLNA server'),
        udp(1900, 'DLNA discovery'),
        udp(32410, 'GDM network discovery'),
        udpRange(32412, 32414, 'GDM network discovery'),
      ],
      source: hubRepo('plexinc/pms-docker'),
    },
    linuxServer('plex', 'Plex Media Server', [tcp(32400, 'Plex Media Server')]),
    {
      image: 'nodered/node-red',
      software: 'Node-RED',
      ports: [tcp(1880, 'editor and HTTP endpoints')],
      source: 'https://nodered.org/docs/getting-started/docker',
    },
    {
      image: 'n8nio/n8n',
      software: 'n8n',
      ports: [tcp(5678, 'editor and webhooks')],
      source: 'https://docs.n8n.io/hosting/installation/docker/',
      aliases: ['docker.n8n.io/n8nio/n8n'],
    },
    {
      image: 'louislam/uptime-kuma',
      software: 'Uptime Kuma',
      ports: [tcp(3001, 'web UI')],
      source: 'https://github.com/louislam/uptime-kuma/wiki/%F0%9F%94%A7-How-to-Install',
    },
    linuxServer('heimdall', 'Heimdall', HTTP_80_443),
    {
      image: 'filebrowser/filebrowser',
      software: 'File Browser',
      ports: [tcp(80, 'web UI')],
      source: 'https://filebrowser.org/installation',
    },
    { image: 'syncthing/syncthing', software: 'Syncthing', ports: SYNCTHING, source: hubRepo('syncthing/syncthing') },
    linuxServer('syncthing', 'Syncthing', SYNCTHING),
    linuxServer('transmission', 'Transmission', [tcp(9091, 'web UI and RPC'), tcp(51413, 'BitTorrent peers'), udp(51413, 'BitTorrent peers (DHT, uTP)')]),
    linuxServer('qbittorrent', 'qBittorrent', [tcp(8080, 'web UI'), tcp(6881, 'BitTorrent peers'), udp(6881, 'BitTorrent peers (DHT, uTP)')]),
    linuxServer('sonarr', 'Sonarr', [tcp(8989, 'web UI and API')]),
    linuxServer('radarr', 'Radarr', [tcp(7878, 'web UI and API')]),
    linuxServer('lidarr', 'Lidarr', [tcp(8686, 'web UI and API')]),
    linuxServer('prowlarr', 'Prowlarr', [tcp(9696, 'web UI and API')]),
    linuxServer('jackett', 'Jackett', [tcp(9117, 'web UI and API')]),
    linuxServer('bazarr', 'Bazarr', [tcp(6767, 'web UI and API')]),
    linuxServer('overseerr', 'Overseerr', [tcp(5055, 'web UI and API')]),
    linuxServer('tautulli', 'Tautulli', [tcp(8181, 'web UI')]),
    linuxServer('sabnzbd', 'SABnzbd', [tcp(8080, 'web UI and API')]),
    linuxServer('code-server', 'code-server', [tcp(8443, 'web IDE')]),
    linuxServer('wireguard', 'WireGuard', [udp(51820, 'WireGuard tunnel')]),
    {
      image: 'itzg/minecraft-server',
      software: 'Minecraft Java Edition server',
      ports: [tcp(25565, 'Minecraft clients')],
      source: 'https://docker-minecraft-server.readthedocs.io/en/latest/',
    },
    {
      image: 'itzg/minecraft-bedrock-server',
      software: 'Minecraft Bedrock Edition server',
      ports: [udp(19132, 'Minecraft Bedrock clients')],
      source: hubRepo('itzg/minecraft-bedrock-server'),
    },
    {
      image: 'searxng/searxng',
      software: 'SearXNG',
      ports: [tcp(8080, 'web UI')],
      source: 'https://docs.searxng.org/admin/installation-docker.html',
    },

    // -------------------------------------------------------------------------------------------
    // Data science, analytics and automation
    // -------------------------------------------------------------------------------------------
    {
      image: 'metabase/metabase',
      software: 'Metabase',
      ports: [tcp(3000, 'web UI and API')],
      source: 'https://www.metabase.com/docs/latest/installation-and-operation/running-metabase-on-docker',
    },
    {
      image: 'apache/superset',
      software: 'Apache Superset',
      ports: [tcp(8088, 'web UI and API')],
      source: 'https://superset.apache.org/docs/installation/docker-builds/',
    },
    {
      image: 'apache/airflow',
      software: 'Apache Airflow',
      ports: [tcp(8080, 'web server (UI and API)')],
      source: 'https://airflow.apache.org/docs/docker-stack/index.html',
    },
    {
      image: 'apache/zeppelin',
      software: 'Apache Zeppelin',
      ports: [tcp(8080, 'web UI')],
      source: 'https://zeppelin.apache.org/docs/latest/quickstart/docker.html',
    },
    {
      image: 'apache/nifi',
      software: 'Apache NiFi',
      ports: [tcp(8443, 'web UI and API over HTTPS')],
      source: hubRepo('apache/nifi'),
    },
    jupyterStack('base-notebook', 'Jupyter (base notebook)'),
    jupyterStack('minimal-notebook', 'Jupyter (minimal notebook)'),
    jupyterStack('scipy-notebook', 'Jupyter (SciPy notebook)'),
    jupyterStack('datascience-notebook', 'Jupyter (data science notebook)'),
    jupyterStack('r-notebook', 'Jupyter (R notebook)'),
    jupyterStack('tensorflow-notebook', 'Jupyter (TensorFlow notebook)'),
    jupyterStack('pyspark-notebook', 'Jupyter (PySpark notebook)'),
    jupyterStack('all-spark-notebook', 'Jupyter (all-Spark notebook)'),
    {
      image: 'ollama/ollama',
      software: 'Ollama',
      ports: [tcp(11434, 'HTTP API')],
      source: hubRepo('ollama/ollama'),
    },
    {
      image: 'ghcr.io/open-webui/open-webui',
      software: 'Open WebUI',
      ports: [tcp(8080, 'web UI')],
      source: 'https://docs.openwebui.com/getting-started/quick-start/',
    },
    {
      image: 'vllm/vllm-openai',
      software: 'vLLM (OpenAI-compatible server)',
      ports: [tcp(8000, 'OpenAI-compatible HTTP API')],
      source: 'https://docs.vllm.ai/en/latest/deployment/docker.html',
    },

    // -------------------------------------------------------------------------------------------
    // Database administration tools
    // -------------------------------------------------------------------------------------------
    {
      image: 'dpage/pgadmin4',
      software: 'pgAdmin 4',
      ports: [tcp(80, 'web UI'), tcp(443, 'web UI over HTTPS', 'PGADMIN_ENABLE_TLS is set')],
      source: 'https://www.pgadmin.org/docs/pgadmin4/latest/container_deployment.html',
    },
    { image: 'mongo-express', software: 'mongo-express', ports: [tcp(8081, 'web UI')], source: hub('mongo-express') },
    {
      image: 'rediscommander/redis-commander',
      software: 'Redis Commander',
      ports: [tcp(8081, 'web UI')],
      source: hubRepo('rediscommander/redis-commander'),
    },

    // -------------------------------------------------------------------------------------------
    // Developer tooling: CI/CD, source hosting, artifact registries
    // -------------------------------------------------------------------------------------------
    { image: 'sonarqube', software: 'SonarQube', ports: [tcp(9000, 'web UI and API')], source: hub('sonarqube') },
    {
      image: 'jenkins/jenkins',
      software: 'Jenkins',
      ports: [tcp(8080, 'web UI'), tcp(50000, 'inbound agents (TCP)')],
      source: hubRepo('jenkins/jenkins'),
      aliases: ['jenkins'],
    },
    {
      image: 'bitnami/jenkins',
      software: 'Jenkins (Bitnami)',
      ports: [...BITNAMI_HTTP, tcp(50000, 'inbound agents (TCP)')],
      source: hubRepo('bitnami/jenkins'),
    },
    {
      image: 'gitea/gitea',
      software: 'Gitea',
      ports: GITEA,
      source: 'https://docs.gitea.com/installation/install-with-docker',
      tags: [{ match: /rootless/, ports: GITEA_ROOTLESS }],
    },
    {
      image: 'codeberg.org/forgejo/forgejo',
      software: 'Forgejo',
      ports: GITEA,
      source: 'https://forgejo.org/docs/latest/admin/installation-docker/',
      tags: [{ match: /rootless/, ports: GITEA_ROOTLESS }],
    },
    { image: 'gogs/gogs', software: 'Gogs', ports: GITEA, source: hubRepo('gogs/gogs') },
    {
      image: 'gitlab/gitlab-ce',
      software: 'GitLab',
      ports: [...HTTP_80_HTTPS_WITH_CERTIFICATE, tcp(22, 'SSH for Git')],
      source: 'https://docs.gitlab.com/ee/install/docker/',
      aliases: ['gitlab/gitlab-ee'],
    },
    { image: 'drone/drone', software: 'Drone', ports: HTTP_80_HTTPS_WITH_CERTIFICATE, source: 'https://docs.drone.io/server/overview/' },
    {
      image: 'woodpeckerci/woodpecker-server',
      software: 'Woodpecker CI server',
      ports: [tcp(8000, 'web UI and API'), tcp(9000, 'gRPC for agents')],
      source: 'https://woodpecker-ci.org/docs/administration/general',
    },
    {
      image: 'jetbrains/teamcity-server',
      software: 'TeamCity Server',
      ports: [tcp(8111, 'web UI and agent connections')],
      source: hubRepo('jetbrains/teamcity-server'),
    },
    {
      image: 'concourse/concourse',
      software: 'Concourse CI',
      ports: [tcp(8080, 'web UI and API'), tcp(2222, 'TSA worker registration')],
      source: 'https://concourse-ci.org/quick-start.html',
    },
    { image: 'sonatype/nexus3', software: 'Sonatype Nexus Repository', ports: [tcp(8081, 'web UI and repositories')], source: hubRepo('sonatype/nexus3') },
    {
      image: 'verdaccio/verdaccio',
      software: 'Verdaccio',
      ports: [tcp(4873, 'npm registry and web UI')],
      source: 'https://verdaccio.org/docs/docker',
    },
    {
      image: 'registry',
      software: 'Docker Registry (Distribution)',
      ports: [tcp(5000, 'registry HTTP API')],
      source: hub('registry'),
      aliases: ['distribution/distribution'],
    },
    {
      image: 'docker',
      software: 'Docker in Docker',
      ports: [tcp(2375, 'Docker API without TLS', 'TLS is disabled (DOCKER_TLS_CERTDIR empty)'), tcp(2376, 'Docker API over TLS')],
      source: hub('docker'),
      // `latest` and the version tags are the dind variant; `cli` and Windows images only run the client.
      tags: [{ match: /cli|windowsservercore/, ports: [] }],
    },
    {
      image: 'codercom/code-server',
      software: 'code-server',
      ports: [tcp(8080, 'web IDE')],
      source: 'https://coder.com/docs/code-server/install#docker',
    },
    {
      image: 'swaggerapi/swagger-ui',
      software: 'Swagger UI',
      ports: [tcp(8080, 'HTTP')],
      source: 'https://github.com/swagger-api/swagger-ui/blob/master/docs/usage/installation.md',
    },
    { image: 'swaggerapi/swagger-editor', software: 'Swagger Editor', ports: [tcp(8080, 'HTTP')], source: hubRepo('swaggerapi/swagger-editor') },
    {
      image: 'wiremock/wiremock',
      software: 'WireMock',
      ports: [tcp(8080, 'HTTP mocks and admin API'), tcp(8443, 'HTTPS mocks')],
      source: 'https://wiremock.org/docs/standalone/docker/',
      aliases: ['rodolpheche/wiremock'],
    },
    {
      image: 'mockserver/mockserver',
      software: 'MockServer',
      ports: [tcp(1080, 'HTTP and HTTPS mocks, proxy')],
      source: 'https://www.mock-server.com/where/docker.html',
    },
    {
      image: 'localstack/localstack',
      software: 'LocalStack',
      ports: [tcp(4566, 'edge port (all AWS service APIs)'), tcpRange(4510, 4559, 'external service ports')],
      source: 'https://docs.localstack.cloud/references/network-troubleshooting/',
      aliases: ['localstack/localstack-pro'],
    },
    {
      image: 'minio/minio',
      software: 'MinIO',
      ports: [tcp(9000, 'S3 API'), tcp(9001, 'web console', 'started with --console-address ":9001"')],
      source: 'https://min.io/docs/minio/container/index.html',
      aliases: ['quay.io/minio/minio'],
    },
    {
      image: 'bitnami/minio',
      software: 'MinIO (Bitnami)',
      ports: [tcp(9000, 'S3 API'), tcp(9001, 'web console')],
      source: hubRepo('bitnami/minio'),
    },
    { image: 'selenium/standalone-chrome', software: 'Selenium Standalone (Chrome)', ports: SELENIUM_NODE, source: 'https://github.com/SeleniumHQ/docker-selenium' },
    { image: 'selenium/standalone-firefox', software: 'Selenium Standalone (Firefox)', ports: SELENIUM_NODE, source: 'https://github.com/SeleniumHQ/docker-selenium' },
    { image: 'selenium/standalone-edge', software: 'Selenium Standalone (Edge)', ports: SELENIUM_NODE, source: 'https://github.com/SeleniumHQ/docker-selenium' },
    { image: 'selenium/standalone-chromium', software: 'Selenium Standalone (Chromium)', ports: SELENIUM_NODE, source: 'https://github.com/SeleniumHQ/docker-selenium' },
    {
      image: 'selenium/hub',
      software: 'Selenium Grid Hub',
      ports: [tcp(4442, 'event bus (publish)'), tcp(4443, 'event bus (subscribe)'), tcp(4444, 'Grid router (WebDriver)')],
      source: 'https://github.com/SeleniumHQ/docker-selenium',
    },
    {
      image: 'browserless/chrome',
      software: 'Browserless (Chrome)',
      ports: [tcp(3000, 'WebSocket and HTTP API')],
      source: hubRepo('browserless/chrome'),
      aliases: ['ghcr.io/browserless/chromium'],
    },

    // -------------------------------------------------------------------------------------------
    // Mail testing and mail servers
    // -------------------------------------------------------------------------------------------
    { image: 'mailhog/mailhog', software: 'MailHog', ports: MAIL_CATCHER_8025, source: 'https://github.com/mailhog/MailHog' },
    { image: 'axllent/mailpit', software: 'Mailpit', ports: MAIL_CATCHER_8025, source: 'https://mailpit.axllent.org/docs/install/docker/' },
    { image: 'maildev/maildev', software: 'MailDev', ports: MAIL_CATCHER_1080, source: 'https://github.com/maildev/maildev' },
    { image: 'schickling/mailcatcher', software: 'MailCatcher', ports: MAIL_CATCHER_1080, source: hubRepo('schickling/mailcatcher') },
    {
      image: 'greenmail/standalone',
      software: 'GreenMail',
      ports: [
        tcp(3025, 'SMTP'),
        tcp(3110, 'POP3'),
        tcp(3143, 'IMAP'),
        tcp(3465, 'SMTPS'),
        tcp(3993, 'IMAPS'),
        tcp(3995, 'POP3S'),
        tcp(8080, 'REST API and web UI'),
      ],
      source: 'https://greenmail-mail-test.github.io/greenmail/#deploy_docker_standalone',
    },
    {
      image: 'mailserver/docker-mailserver',
      software: 'docker-mailserver',
      ports: [
        tcp(25, 'SMTP (inbound mail)'),
        tcp(143, 'IMAP'),
        tcp(465, 'SMTP submission over implicit TLS'),
        tcp(587, 'SMTP submission (STARTTLS)'),
        tcp(993, 'IMAPS'),
      ],
      source: 'https://docker-mailserver.github.io/docker-mailserver/latest/',
      aliases: ['ghcr.io/docker-mailserver/docker-mailserver', 'tvial/docker-mailserver'],
    },

    // -------------------------------------------------------------------------------------------
    // Infrastructure: service discovery, secrets, orchestration, DNS, directory, identity
    // -------------------------------------------------------------------------------------------
    {
      image: 'hashicorp/consul',
      software: 'HashiCorp Consul',
      ports: CONSUL,
      source: 'https://developer.hashicorp.com/consul/docs/install/ports',
      aliases: ['consul'],
    },
    {
      image: 'bitnami/consul',
      software: 'HashiCorp Consul (Bitnami)',
      ports: [tcp(8300, 'server RPC'), tcp(8301, 'LAN gossip (Serf)'), tcp(8500, 'HTTP API and web UI'), tcp(8600, 'DNS interface')],
      source: hubRepo('bitnami/consul'),
    },
    {
      image: 'hashicorp/vault',
      software: 'HashiCorp Vault',
      ports: [tcp(8200, 'HTTP API and web UI')],
      source: hubRepo('hashicorp/vault'),
      aliases: ['vault'],
    },
    {
      image: 'openbao/openbao',
      software: 'OpenBao',
      ports: [tcp(8200, 'HTTP API and web UI')],
      source: hubRepo('openbao/openbao'),
      aliases: ['quay.io/openbao/openbao', 'ghcr.io/openbao/openbao'],
    },
    {
      image: 'hashicorp/nomad',
      software: 'HashiCorp Nomad',
      ports: [tcp(4646, 'HTTP API and web UI'), tcp(4647, 'RPC'), tcp(4648, 'server gossip (Serf)'), udp(4648, 'server gossip (Serf)')],
      source: 'https://developer.hashicorp.com/nomad/docs/install/production/requirements#ports-used',
    },
    {
      image: 'quay.io/coreos/etcd',
      software: 'etcd',
      ports: ETCD,
      source: 'https://etcd.io/docs/latest/op-guide/container/',
      aliases: ['gcr.io/etcd-development/etcd', 'registry.k8s.io/etcd', 'k8s.gcr.io/etcd'],
    },
    { image: 'bitnami/etcd', software: 'etcd (Bitnami)', ports: ETCD, source: hubRepo('bitnami/etcd') },
    {
      image: 'rancher/rancher',
      software: 'Rancher',
      ports: HTTP_80_443,
      source: 'https://ranchermanager.docs.rancher.com/getting-started/installation-and-upgrade/other-installation-methods/rancher-on-a-single-node-with-docker',
    },
    {
      image: 'portainer/portainer-ce',
      software: 'Portainer',
      ports: PORTAINER,
      source: 'https://docs.portainer.io/start/install-ce/server/docker/linux',
      aliases: ['portainer/portainer', 'portainer/portainer-ee'],
    },
    {
      image: 'portainer/agent',
      software: 'Portainer Agent',
      ports: [tcp(9001, 'agent API')],
      source: 'https://docs.portainer.io/admin/environments/add/docker/agent',
    },
    {
      image: 'coredns/coredns',
      software: 'CoreDNS',
      ports: DNS,
      source: hubRepo('coredns/coredns'),
      aliases: ['registry.k8s.io/coredns/coredns', 'k8s.gcr.io/coredns/coredns'],
    },
    { image: 'ubuntu/bind9', software: 'BIND 9', ports: DNS, source: hubRepo('ubuntu/bind9') },
    {
      image: 'internetsystemsconsortium/bind9',
      software: 'BIND 9',
      // rndc (953) is in EXPOSE but the default configuration binds it to localhost.
      ports: DNS,
      source: 'https://github.com/isc-projects/bind9-docker/blob/main/Dockerfile',
    },
    {
      image: 'osixia/openldap',
      software: 'OpenLDAP',
      ports: [tcp(389, 'LDAP'), tcp(636, 'LDAPS')],
      source: 'https://github.com/osixia/docker-openldap',
    },
    {
      image: 'bitnami/openldap',
      software: 'OpenLDAP (Bitnami)',
      ports: [tcp(1389, 'LDAP (non-root)'), tcp(1636, 'LDAPS (non-root)')],
      source: hubRepo('bitnami/openldap'),
    },
    {
      image: 'freeradius/freeradius-server',
      software: 'FreeRADIUS',
      ports: [udp(1812, 'RADIUS authentication'), udp(1813, 'RADIUS accounting')],
      source: hubRepo('freeradius/freeradius-server'),
    },
    {
      image: 'quay.io/keycloak/keycloak',
      software: 'Keycloak',
      ports: [tcp(8080, 'HTTP'), tcp(8443, 'HTTPS', 'a TLS certificate is configured'), tcp(9000, 'management (health and metrics)')],
      source: 'https://www.keycloak.org/server/containers',
      aliases: ['keycloak/keycloak'],
    },
    {
      image: 'jboss/keycloak',
      software: 'Keycloak (legacy WildFly distribution)',
      ports: [tcp(8080, 'HTTP'), tcp(8443, 'HTTPS')],
      source: hubRepo('jboss/keycloak'),
    },
    { image: 'bitnami/keycloak', software: 'Keycloak (Bitnami)', ports: [tcp(8080, 'HTTP')], source: hubRepo('bitnami/keycloak') },
    {
      image: 'authelia/authelia',
      software: 'Authelia',
      ports: [tcp(9091, 'portal and API')],
      source: 'https://www.authelia.com/integration/deployment/docker/',
    },
    {
      image: 'ghcr.io/goauthentik/server',
      software: 'authentik',
      ports: [tcp(9000, 'HTTP'), tcp(9443, 'HTTPS')],
      source: 'https://docs.goauthentik.io/docs/install-config/install/docker-compose',
      aliases: ['beryju/authentik'],
    },
    {
      image: 'oryd/kratos',
      software: 'Ory Kratos',
      ports: [tcp(4433, 'public API'), tcp(4434, 'admin API')],
      source: 'https://www.ory.sh/docs/kratos/guides/docker',
    },
    {
      image: 'oryd/hydra',
      software: 'Ory Hydra',
      ports: [tcp(4444, 'public API (OAuth2 and OpenID Connect)'), tcp(4445, 'admin API')],
      source: 'https://www.ory.sh/docs/hydra/self-hosted/configure-deploy',
    },
    {
      image: 'oryd/keto',
      software: 'Ory Keto',
      ports: [tcp(4466, 'read API'), tcp(4467, 'write API')],
      source: 'https://www.ory.sh/docs/keto/install',
    },
    {
      image: 'oryd/oathkeeper',
      software: 'Ory Oathkeeper',
      ports: [tcp(4455, 'proxy'), tcp(4456, 'API')],
      source: 'https://www.ory.sh/docs/oathkeeper/install',
    },

    // -------------------------------------------------------------------------------------------
    // Observability: metrics, logs, traces, error tracking
    // -------------------------------------------------------------------------------------------
    {
      image: 'grafana/grafana',
      software: 'Grafana',
      ports: [tcp(3000, 'web UI and API')],
      source: 'https://grafana.com/docs/grafana/latest/setup-grafana/installation/docker/',
      aliases: ['grafana/grafana-oss', 'grafana/grafana-enterprise'],
    },
    { image: 'bitnami/grafana', software: 'Grafana (Bitnami)', ports: [tcp(3000, 'web UI and API')], source: hubRepo('bitnami/grafana') },
    {
      image: 'grafana/loki',
      software: 'Grafana Loki',
      ports: [tcp(3100, 'HTTP API (push and query)'), tcp(9096, 'gRPC (bundled local configuration)')],
      source: 'https://grafana.com/docs/loki/latest/setup/install/docker/',
    },
    {
      image: 'grafana/promtail',
      software: 'Promtail',
      ports: [tcp(9080, 'HTTP (targets and metrics)')],
      source: 'https://grafana.com/docs/loki/latest/send-data/promtail/installation/',
    },
    {
      image: 'grafana/tempo',
      software: 'Grafana Tempo',
      ports: [tcp(3200, 'HTTP API'), tcp(9095, 'gRPC')],
      source: 'https://grafana.com/docs/tempo/latest/configuration/',
    },
    {
      image: 'grafana/mimir',
      software: 'Grafana Mimir',
      ports: [tcp(8080, 'HTTP API'), tcp(9095, 'gRPC')],
      source: 'https://grafana.com/docs/mimir/latest/configure/configuration-parameters/',
    },
    {
      image: 'grafana/pyroscope',
      software: 'Grafana Pyroscope',
      ports: [tcp(4040, 'HTTP API and UI')],
      source: 'https://grafana.com/docs/pyroscope/latest/get-started/',
    },
    {
      image: 'grafana/alloy',
      software: 'Grafana Alloy',
      ports: [tcp(12345, 'HTTP UI and API')],
      source: 'https://grafana.com/docs/alloy/latest/set-up/install/docker/',
    },
    {
      image: 'grafana/otel-lgtm',
      software: 'Grafana OpenTelemetry LGTM stack',
      ports: [tcp(3000, 'Grafana web UI'), tcp(4317, 'OTLP over gRPC'), tcp(4318, 'OTLP over HTTP')],
      source: 'https://github.com/grafana/docker-otel-lgtm',
    },
    {
      image: 'prom/prometheus',
      software: 'Prometheus',
      ports: [tcp(9090, 'web UI and HTTP API')],
      source: hubRepo('prom/prometheus'),
      aliases: ['quay.io/prometheus/prometheus'],
    },
    { image: 'bitnami/prometheus', software: 'Prometheus (Bitnami)', ports: [tcp(9090, 'web UI and HTTP API')], source: hubRepo('bitnami/prometheus') },
    {
      image: 'prom/alertmanager',
      software: 'Prometheus Alertmanager',
      ports: [tcp(9093, 'web UI and HTTP API'), tcp(9094, 'cluster gossip'), udp(9094, 'cluster gossip')],
      source: hubRepo('prom/alertmanager'),
      aliases: ['quay.io/prometheus/alertmanager'],
    },
    {
      image: 'prom/node-exporter',
      software: 'Prometheus Node Exporter',
      ports: [tcp(9100, 'metrics')],
      source: hubRepo('prom/node-exporter'),
      aliases: ['quay.io/prometheus/node-exporter'],
    },
    { image: 'prom/pushgateway', software: 'Prometheus Pushgateway', ports: [tcp(9091, 'push API and metrics')], source: hubRepo('prom/pushgateway') },
    {
      image: 'prom/blackbox-exporter',
      software: 'Prometheus Blackbox Exporter',
      ports: [tcp(9115, 'probe endpoint and metrics')],
      source: hubRepo('prom/blackbox-exporter'),
      aliases: ['quay.io/prometheus/blackbox-exporter'],
    },
    { image: 'prom/mysqld-exporter', software: 'Prometheus MySQL Exporter', ports: [tcp(9104, 'metrics')], source: hubRepo('prom/mysqld-exporter') },
    {
      image: 'prom/statsd-exporter',
      software: 'Prometheus StatsD Exporter',
      ports: [tcp(9102, 'metrics'), tcp(9125, 'StatsD input'), udp(9125, 'StatsD input')],
      source: hubRepo('prom/statsd-exporter'),
    },
    {
      image: 'prometheuscommunity/postgres-exporter',
      software: 'Prometheus PostgreSQL Exporter',
      ports: [tcp(9187, 'metrics')],
      source: 'https://github.com/prometheus-community/postgres_exporter',
      aliases: ['quay.io/prometheuscommunity/postgres-exporter', 'wrouesnel/postgres_exporter'],
    },
    {
      image: 'oliver006/redis_exporter',
      software: 'Prometheus Redis Exporter',
      ports: [tcp(9121, 'metrics')],
      source: 'https://github.com/oliver006/redis_exporter',
    },
    {
      image: 'gcr.io/cadvisor/cadvisor',
      software: 'cAdvisor',
      ports: [tcp(8080, 'web UI and metrics')],
      source: 'https://github.com/google/cadvisor',
      aliases: ['google/cadvisor'],
    },
    {
      image: 'jaegertracing/all-in-one',
      software: 'Jaeger (all-in-one)',
      ports: [
        tcp(16686, 'web UI and query API'),
        tcp(4317, 'OTLP over gRPC'),
        tcp(4318, 'OTLP over HTTP'),
        tcp(14250, 'collector gRPC (model.proto)'),
        tcp(14268, 'collector HTTP (jaeger.thrift)'),
        tcp(14269, 'admin (health and metrics)'),
        tcp(5778, 'sampling configuration'),
        udp(6831, 'agent, Thrift compact'),
        udp(6832, 'agent, Thrift binary'),
      ],
      source: hubRepo('jaegertracing/all-in-one'),
    },
    {
      image: 'jaegertracing/jaeger',
      software: 'Jaeger',
      ports: [
        tcp(16686, 'web UI and query API'),
        tcp(4317, 'OTLP over gRPC'),
        tcp(4318, 'OTLP over HTTP'),
        tcp(5778, 'sampling configuration'),
        tcp(9411, 'Zipkin-compatible endpoint'),
      ],
      source: 'https://www.jaegertracing.io/docs/latest/getting-started/',
      aliases: ['cr.jaegertracing.io/jaegertracing/jaeger'],
    },
    {
      image: 'openzipkin/zipkin',
      software: 'Zipkin',
      ports: [tcp(9411, 'HTTP API, collector and UI')],
      source: hubRepo('openzipkin/zipkin'),
      aliases: ['openzipkin/zipkin-slim', 'ghcr.io/openzipkin/zipkin', 'ghcr.io/openzipkin/zipkin-slim'],
    },
    {
      image: 'otel/opentelemetry-collector',
      software: 'OpenTelemetry Collector',
      ports: OTEL_COLLECTOR,
      source: 'https://github.com/open-telemetry/opentelemetry-collector-releases/blob/main/distributions/otelcol/config.yaml',
      aliases: ['ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector'],
    },
    {
      image: 'otel/opentelemetry-collector-contrib',
      software: 'OpenTelemetry Collector Contrib',
      ports: OTEL_COLLECTOR,
      source: 'https://github.com/open-telemetry/opentelemetry-collector-releases/blob/main/distributions/otelcol-contrib/config.yaml',
      aliases: ['ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib'],
    },
    {
      image: 'datalust/seq',
      software: 'Seq',
      ports: [tcp(80, 'web UI and API'), tcp(5341, 'log ingestion')],
      source: 'https://docs.datalust.co/docs/getting-started-with-docker',
    },
    {
      image: 'graylog/graylog',
      software: 'Graylog',
      ports: [tcp(9000, 'web UI and REST API')],
      source: 'https://go2docs.graylog.org/current/downloading_and_installing_graylog/docker_installation.htm',
    },
    {
      image: 'fluent/fluentd',
      software: 'Fluentd',
      ports: [tcp(24224, 'forward input'), udp(24224, 'forward input heartbeat')],
      source: hubRepo('fluent/fluentd'),
    },
    {
      image: 'netdata/netdata',
      software: 'Netdata',
      ports: [tcp(19999, 'web dashboard and API')],
      source: 'https://learn.netdata.cloud/docs/netdata-agent/installation/docker',
    },
    {
      image: 'zabbix/zabbix-server-mysql',
      software: 'Zabbix server',
      ports: [tcp(10051, 'Zabbix trapper (agents and proxies)')],
      source: 'https://www.zabbix.com/documentation/current/en/manual/installation/containers',
      aliases: ['zabbix/zabbix-server-pgsql'],
    },
    {
      image: 'zabbix/zabbix-agent',
      software: 'Zabbix agent',
      ports: [tcp(10050, 'passive checks')],
      source: 'https://www.zabbix.com/documentation/current/en/manual/installation/containers',
      aliases: ['zabbix/zabbix-agent2'],
    },
    {
      image: 'zabbix/zabbix-web-nginx-mysql',
      software: 'Zabbix web interface',
      ports: [tcp(8080, 'HTTP'), tcp(8443, 'HTTPS', 'a certificate is mounted')],
      source: 'https://www.zabbix.com/documentation/current/en/manual/installation/containers',
      aliases: ['zabbix/zabbix-web-nginx-pgsql'],
    },
    {
      image: 'checkmk/check-mk-raw',
      software: 'Checkmk Raw',
      ports: [tcp(5000, 'web UI'), tcp(8000, 'agent receiver')],
      source: 'https://docs.checkmk.com/latest/en/introduction_docker.html',
    },
    { image: 'sentry', software: 'Sentry', ports: [tcp(9000, 'web UI and API')], source: hub('sentry') },
    {
      image: 'getsentry/sentry',
      software: 'Sentry (self-hosted web)',
      ports: [tcp(9000, 'web UI and API')],
      source: 'https://develop.sentry.dev/self-hosted/',
    },
    {
      image: 'getsentry/relay',
      software: 'Sentry Relay',
      ports: [tcp(3000, 'event ingestion')],
      source: 'https://docs.sentry.io/product/relay/getting-started/',
    },
    {
      image: 'getsentry/snuba',
      software: 'Snuba (Sentry)',
      ports: [tcp(1218, 'query API')],
      source: 'https://github.com/getsentry/snuba',
    },
    {
      image: 'getsentry/symbolicator',
      software: 'Symbolicator (Sentry)',
      ports: [tcp(3021, 'symbolication API')],
      source: 'https://getsentry.github.io/symbolicator/',
    },
  ];
}

let frozenTable: readonly ImageEntry[] | undefined;

/** The table, frozen: every entry, its ports and its tag rules. */
export function imageDefaultsTable(): readonly ImageEntry[] {
  frozenTable ??= deepFreeze(buildTable());
  return frozenTable;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof RegExp) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) {
      deepFreeze((value as Record<string, unknown>)[key]);
    }
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Image references
// ---------------------------------------------------------------------------------------------

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
/** Docker caps a repository name (registry included) at 255 characters. */
const MAX_NAME_LENGTH = 255;
/** Far longer than any real reference; refused before any work. */
const MAX_REFERENCE_LENGTH = 1024;
const TAG_PATTERN = /^\w[\w.-]{0,127}$/;
const DIGEST_PATTERN = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

const isLowerAlphanumeric = (code: number): boolean => (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);

/** Docker's path component: lowercase letters and digits, joined by `.`, `_`, `__` or dashes. */
function isPathComponent(text: string): boolean {
  let index = 0;
  while (index < text.length) {
    const runStart = index;
    while (index < text.length && isLowerAlphanumeric(text.charCodeAt(index))) {
      index++;
    }
    if (index === runStart) {
      return false;
    }
    if (index === text.length) {
      return true;
    }
    const separator = text[index];
    if (separator === '.') {
      index++;
    } else if (separator === '_') {
      index += text[index + 1] === '_' ? 2 : 1;
    } else if (separator === '-') {
      while (text[index] === '-') {
        index++;
      }
    } else {
      return false;
    }
  }
  // The name ended on a separator.
  return false;
}

/** A registry host: DNS labels or a bracketed IPv6 address, with an optional port. */
function isRegistryHost(text: string): boolean {
  let host = text;
  const bracketEnd = text.startsWith('[') ? text.indexOf(']') : -1;
  const colon = text.indexOf(':', bracketEnd + 1);
  if (colon !== -1) {
    host = text.slice(0, colon);
    const port = text.slice(colon + 1);
    if (port.length === 0 || port.length > 5 || !/^\d+$/.test(port)) {
      return false;
    }
  }
  if (bracketEnd !== -1) {
    return bracketEnd === host.length - 1 && /^\[[0-9a-f:.]+\]$/.test(host);
  }
  if (host.length === 0) {
    return false;
  }
  for (const label of host.split('.')) {
    if (label.length === 0 || label.startsWith('-') || label.endsWith('-') || !/^[a-z0-9-]+$/.test(label)) {
      return false;
    }
  }
  return true;
}

/**
 * Reads an image reference the way Docker does: `[registry/]path[:tag][@digest]`. The first path
 * part is a registry only if it has a `.` or a `:` or is `localhost`; Docker Hub's host names and
 * its `library/` namespace are dropped, so `docker.io/library/redis` reads as `redis`. Names are
 * lowercased. Undefined for an empty or malformed reference, or one still holding a `${VAR}` or a
 * `{{ template }}`.
 */
export function parseImageReference(reference: string): ImageReference | undefined {
  if (reference.length > MAX_REFERENCE_LENGTH) {
    return undefined;
  }
  const text = reference.trim();
  if (text.length === 0 || text.includes('${') || text.includes('{{')) {
    return undefined;
  }

  let remainder = text;
  let digest: string | undefined;
  const at = remainder.indexOf('@');
  if (at !== -1) {
    digest = remainder.slice(at + 1);
    remainder = remainder.slice(0, at);
    if (!DIGEST_PATTERN.test(digest)) {
      return undefined;
    }
  }

  let tag: string | undefined;
  const colon = remainder.lastIndexOf(':');
  if (colon > remainder.lastIndexOf('/')) {
    tag = remainder.slice(colon + 1);
    remainder = remainder.slice(0, colon);
    if (!TAG_PATTERN.test(tag)) {
      return undefined;
    }
  }

  const name = remainder.toLowerCase();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    return undefined;
  }
  const parts = name.split('/');
  let registry: string | undefined;
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) {
    registry = parts.shift();
    if (registry === undefined || !isRegistryHost(registry)) {
      return undefined;
    }
    if (DOCKER_HUB_HOSTS.has(registry)) {
      registry = undefined;
    }
  }
  if (!parts.every(isPathComponent)) {
    return undefined;
  }
  if (registry === undefined && parts.length === 2 && parts[0] === 'library') {
    parts.shift();
  }
  // Built field by field: spreading conditional objects costs microseconds per reference.
  const parsed: { registry?: string; repository: string; tag?: string; digest?: string } = { repository: parts.join('/') };
  if (registry !== undefined) {
    parsed.registry = registry;
  }
  if (tag !== undefined) {
    parsed.tag = tag;
  }
  if (digest !== undefined) {
    parsed.digest = digest;
  }
  return parsed;
}

/** `registry/repository`, or the repository alone on Docker Hub: the form the table is keyed by. */
export function canonicalImageName(reference: ImageReference): string {
  return reference.registry === undefined ? reference.repository : `${reference.registry}/${reference.repository}`;
}

// ---------------------------------------------------------------------------------------------
// Lookup
// ---------------------------------------------------------------------------------------------

let entriesByName: Map<string, ImageEntry> | undefined;

function entryIndex(): Map<string, ImageEntry> {
  if (entriesByName === undefined) {
    entriesByName = new Map();
    for (const entry of imageDefaultsTable()) {
      entriesByName.set(entry.image, entry);
      for (const alias of entry.aliases ?? []) {
        entriesByName.set(alias, entry);
      }
    }
  }
  return entriesByName;
}

/** Lookups are repeated for every file that names the same image; the cache stays bounded. */
const MAX_CACHED_LOOKUPS = 4096;
const lookupCache = new Map<string, ImageDefaults | null>();

function defaultsOf(entry: ImageEntry, tag: string): ImageDefaults {
  const rule = entry.tags?.find((candidate) => candidate.match.test(tag));
  return Object.freeze({ image: entry.image, software: entry.software, ports: rule ? rule.ports : entry.ports, source: entry.source });
}

/**
 * The software a well-known image runs and the ports it listens on by default, with the rules of
 * its tag applied (`php:8-fpm` listens on 9000, `php:8-cli` on nothing). Undefined for an image
 * the table does not know, base images included, and for a reference that cannot be read.
 */
export function lookupImage(reference: string): ImageDefaults | undefined {
  const cached = lookupCache.get(reference);
  if (cached !== undefined) {
    return cached ?? undefined;
  }
  const parsed = parseImageReference(reference);
  const entry = parsed === undefined ? undefined : entryIndex().get(canonicalImageName(parsed));
  // A reference pinned by digest alone names no variant; it is read as the default one.
  const result = entry === undefined || parsed === undefined ? null : defaultsOf(entry, parsed.tag ?? 'latest');
  if (lookupCache.size >= MAX_CACHED_LOOKUPS) {
    lookupCache.clear();
  }
  lookupCache.set(reference, result);
  return result ?? undefined;
}
