//go:build e2e

package e2e

import (
	"fmt"
	"maps"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// Credentials of the database container; the service DSNs use the user
// that deploy/mysql/init/01-sagashop.sql creates, as docker-compose.yml does.
const (
	mysqlRootPassword = "sagashop-root"
	mysqlUser         = "sagashop"
	mysqlPassword     = "sagashop"
)

// delayTable is the broker's messageDelayLevel: levels 1 to 15 are 1s and
// level 16, the order's payment timeout, is paymentTimeout.
func delayTable() string {
	return strings.Repeat("1s ", 15) + strconv.Itoa(int(paymentTimeout/time.Second)) + "s 1h 2h"
}

// mqdHealthcheck is the exec-form healthcheck of an mqd container (the
// image has no shell), as in docker-compose.yml.
func mqdHealthcheck(port int) wait.Strategy {
	return wait.ForExec([]string{"/usr/local/bin/sagashop", "-healthcheck", "127.0.0.1:" + strconv.Itoa(port)}).
		WithStartupTimeout(readyTimeout).WithPollInterval(200 * time.Millisecond)
}

// mysqlSpec is MySQL 8.4 or the CI's MariaDB with the three databases of
// the shop (the init script compose mounts). The log line is "ready for
// connections ... port: 3306  ..." in both; the server of the first-start
// setup listens on no port. On a restart the old log line is still there,
// so the ping over TCP is what waits then.
func (s *stack) mysqlSpec() spec {
	return spec{alias: "mysql", img: mysqlImage.name(), ports: []string{"3306/tcp"}, opts: []testcontainers.ContainerCustomizer{
		testcontainers.WithEnv(map[string]string{
			"MYSQL_ROOT_PASSWORD": mysqlRootPassword,
			"MYSQL_DATABASE":      "order",
			"MYSQL_USER":          mysqlUser,
			"MYSQL_PASSWORD":      mysqlPassword,
		}),
		testcontainers.WithFiles(testcontainers.ContainerFile{
			HostFilePath:      filepath.Join(repoRoot, "deploy", "mysql", "init", "01-sagashop.sql"),
			ContainerFilePath: "/docker-entrypoint-initdb.d/01-sagashop.sql",
			FileMode:          0o644,
		}),
		testcontainers.WithWaitStrategyAndDeadline(readyTimeout,
			wait.ForLog("port: 3306  ").WithStartupTimeout(readyTimeout),
			wait.ForListeningPort("3306/tcp").WithStartupTimeout(readyTimeout),
			wait.ForExec([]string{"mysqladmin", "ping", "-h", "127.0.0.1", "--silent"}).
				WithStartupTimeout(readyTimeout).WithPollInterval(250*time.Millisecond)),
	}}
}

// redisSpec is Redis 7 (or the CI's Debian build).
func (s *stack) redisSpec() spec {
	return spec{alias: "redis", img: redisImage.name(), opts: []testcontainers.ContainerCustomizer{
		testcontainers.WithWaitStrategyAndDeadline(readyTimeout,
			wait.ForLog("Ready to accept connections").WithStartupTimeout(readyTimeout),
			wait.ForExec([]string{"redis-cli", "ping"}).WithStartupTimeout(readyTimeout)),
	}}
}

// namesrvSpec is `mqd namesrv` on 9876.
func (s *stack) namesrvSpec() spec {
	return spec{alias: "namesrv", img: mqdImage.name(), opts: []testcontainers.ContainerCustomizer{
		testcontainers.WithCmd("namesrv", "-listen", ":9876"),
		testcontainers.WithWaitStrategyAndDeadline(readyTimeout, mqdHealthcheck(9876)),
	}}
}

// brokerSpec is `mqd broker` with compose's broker.conf, the test delay
// table and a fast transaction check-back. The store is in the
// container's /app/data, so it survives a restart. 10911 is mapped for
// the test's pulls of the transaction topics.
func (s *stack) brokerSpec() spec {
	return spec{alias: "broker", img: mqdImage.name(), ports: []string{"10911/tcp"}, opts: []testcontainers.ContainerCustomizer{
		testcontainers.WithFiles(testcontainers.ContainerFile{
			HostFilePath:      filepath.Join(repoRoot, "deploy", "mq", "broker.conf"),
			ContainerFilePath: "/etc/mqd/broker.conf",
			FileMode:          0o644,
		}),
		testcontainers.WithCmd("broker", "-c", "/etc/mqd/broker.conf",
			"-message-delay-level", delayTable(),
			"-set", "transactionTimeOut="+strconv.Itoa(txTimeoutMillis),
			"-set", "transactionCheckInterval="+strconv.Itoa(txCheckIntervalMillis)),
		testcontainers.WithWaitStrategyAndDeadline(readyTimeout, mqdHealthcheck(10911)),
	}}
}

// serviceSpec is one service configured as docker-compose.yml does it
// (SAGASHOP_* variables, peers by alias), with the stack's timing and env
// added last. It is ready once GET /healthz on the mapped port answers 200.
func (s *stack) serviceSpec(sv service, env map[string]string) spec {
	all := map[string]string{
		"SAGASHOP_DB_DRIVER":  "mysql",
		"SAGASHOP_DB_SOURCE":  fmt.Sprintf("%s:%s@tcp(mysql:3306)/%s?parseTime=true", mysqlUser, mysqlPassword, sv.name),
		"SAGASHOP_REDIS_ADDR": "redis:6379",
		"SAGASHOP_NAMESRV":    "namesrv:9876",
	}
	switch sv.name {
	case "order":
		all["SAGASHOP_INVENTORY_GRPC"] = fmt.Sprintf("inventory:%d", serviceNamed("inventory").grpc)
		all["SAGASHOP_PAYMENT_TIMEOUT"] = paymentTimeout.String()
		all["SAGASHOP_SWEEP_INTERVAL"] = sweepInterval.String()
		all["SAGASHOP_SWEEP_GRACE"] = sweepGrace.String()
	case "payment":
		all["SAGASHOP_ORDER_GRPC"] = fmt.Sprintf("order:%d", serviceNamed("order").grpc)
	}
	maps.Copy(all, env)
	port := fmt.Sprintf("%d/tcp", sv.http)
	return spec{alias: sv.name, img: sv.img.name(), ports: []string{port}, opts: []testcontainers.ContainerCustomizer{
		testcontainers.WithEnv(all),
		testcontainers.WithWaitStrategyAndDeadline(readyTimeout,
			wait.ForHTTP("/healthz").WithPort(port).WithStartupTimeout(readyTimeout).WithPollInterval(200*time.Millisecond)),
	}}
}
