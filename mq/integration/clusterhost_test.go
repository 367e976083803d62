package integration

// Under -race the tests run in two processes.
//
// The official client v2.1.2 has data races of its own (for example
// pushConsumer.messageQueueChanged writes SubscriptionData.SubVersion
// while the heartbeat and route loops read it, and the pull consumer
// rewrites its consumerGroup on every pull). In a race-enabled test binary
// every such report fails whatever test is running, so a suite that drives
// the client cannot pass -race however correct the broker is.
//
// So a race-enabled binary (the parent) does not run the tests. It builds
// this package again without the race detector, runs that binary (the
// child) with the same flags, and hosts the child's in-process clusters:
// the child asks over a loopback HTTP endpoint for a NameServer and Broker,
// which run in the parent, under the race detector, while the client runs
// in the child without it. A race report in the parent while a cluster
// runs fails the test that uses the cluster.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/sagashop/sagashop/mq/broker"
	"github.com/sagashop/sagashop/mq/conf"
	"github.com/sagashop/sagashop/mq/standalone"
)

// clusterHostEnv holds the parent's endpoint in the child's environment.
const clusterHostEnv = "MQ_INTEGRATION_CLUSTER_HOST"

// hostStart asks for a cluster; hostStarted answers.
type hostStart struct {
	Dir            string            `json:"dir"`
	NamesrvListen  string            `json:"namesrvListen"`
	BrokerListen   string            `json:"brokerListen"`
	SyncFlush      bool              `json:"syncFlush"`
	InMemoryWindow int64             `json:"inMemoryWindow"`
	DelayLevels    string            `json:"delayLevels"`
	Set            map[string]string `json:"set"`
}

type hostStarted struct {
	ID          int    `json:"id"`
	NamesrvAddr string `json:"namesrvAddr"`
	BrokerAddr  string `json:"brokerAddr"`
	Error       string `json:"error"`
}

// hostStop asks to stop cluster ID; hostStopped answers with the data
// races the parent saw while the cluster ran.
type hostStop struct {
	ID int `json:"id"`
}

type hostStopped struct {
	Error string `json:"error"`
	Races int    `json:"races"`
}

// startStandalone starts a NameServer and Broker in this process.
func startStandalone(r hostStart) (*standalone.Cluster, error) {
	bo := broker.DefaultOptions()
	bo.Config.StorePathRootDir = r.Dir
	if r.SyncFlush {
		bo.Config.FlushDiskType = conf.SyncFlush
	}
	if r.InMemoryWindow != 0 {
		bo.InMemoryWindow = r.InMemoryWindow
	}
	if r.DelayLevels != "" {
		if err := bo.Config.Set("messageDelayLevel", r.DelayLevels); err != nil {
			return nil, err
		}
	}
	for k, v := range r.Set {
		if err := bo.Config.Set(k, v); err != nil {
			return nil, err
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := standalone.Start(standalone.Options{NamesrvListen: r.NamesrvListen, BrokerListen: r.BrokerListen, Broker: bo})
		// A restart on the same ports can race the kernel releasing them.
		if err == nil || !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			return c, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// clusterHost serves hostStart and hostStop.
type clusterHost struct {
	mu       sync.Mutex
	nextID   int
	clusters map[int]*hostedCluster
}

type hostedCluster struct {
	c     *standalone.Cluster
	races int // raceErrors() when it started
}

func (h *clusterHost) start(w http.ResponseWriter, r *http.Request) {
	var req hostStart
	var resp hostStarted
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		resp.Error = err.Error()
	} else if c, err := startStandalone(req); err != nil {
		resp.Error = err.Error()
	} else {
		h.mu.Lock()
		h.nextID++
		resp.ID = h.nextID
		h.clusters[resp.ID] = &hostedCluster{c: c, races: raceErrors()}
		h.mu.Unlock()
		resp.NamesrvAddr, resp.BrokerAddr = c.NamesrvAddr, c.BrokerAddr
	}
	json.NewEncoder(w).Encode(resp)
}

func (h *clusterHost) stop(w http.ResponseWriter, r *http.Request) {
	var req hostStop
	var resp hostStopped
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		resp.Error = err.Error()
	} else {
		h.mu.Lock()
		hc := h.clusters[req.ID]
		delete(h.clusters, req.ID)
		h.mu.Unlock()
		if hc == nil {
			resp.Error = fmt.Sprintf("no cluster %d", req.ID)
		} else {
			if err := hc.c.Close(); err != nil {
				resp.Error = err.Error()
			}
			resp.Races = raceErrors() - hc.races
		}
	}
	json.NewEncoder(w).Encode(resp)
}

// hostClusters builds this package without the race detector, runs it
// with args while serving its in-process clusters, and returns the exit
// status to use.
func hostClusters(args []string) int {
	child := filepath.Join(binDir, "integration.test")
	if err := goBuild("test", "-c", "-race=false", "-o", child, thisPackage); err != nil {
		fmt.Fprintln(os.Stderr, "integration: building the test child:", err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	h := &clusterHost{clusters: map[int]*hostedCluster{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /start", h.start)
	mux.HandleFunc("POST /stop", h.stop)
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()

	cmd := exec.Command(child, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), clusterHostEnv+"=http://"+ln.Addr().String())
	dieWithParent(cmd)
	err = cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		if code = ee.ExitCode(); code <= 0 {
			code = 1 // killed by a signal
		}
	case err != nil:
		fmt.Fprintln(os.Stderr, "integration: running the test child:", err)
		code = 1
	}
	h.mu.Lock()
	for id, hc := range h.clusters {
		hc.c.Close()
		delete(h.clusters, id)
	}
	h.mu.Unlock()
	if n := raceErrors(); n > 0 {
		fmt.Fprintf(os.Stderr, "integration: the race detector reported %d data races in the broker (above)\n", n)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// hostCall posts req to the parent's path and decodes the answer into
// resp.
func hostCall(path string, req, resp any) error {
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	client := http.Client{Timeout: 60 * time.Second}
	r, err := client.Post(os.Getenv(clusterHostEnv)+path, "application/json", bytes.NewReader(b))
	if err != nil {
		return err
	}
	defer r.Body.Close()
	return json.NewDecoder(r.Body).Decode(resp)
}
