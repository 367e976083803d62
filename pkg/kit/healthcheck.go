package kit

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Healthcheck asks the HTTP server at addr ("host:port") for /healthz and
// returns nil when it answers 200 within timeout. Service mains run it for
// their -healthcheck flag: container healthchecks exec the program itself,
// as the images have no shell and no curl.
func Healthcheck(addr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
	if err != nil {
		return fmt.Errorf("kit: healthcheck %s: %w", addr, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("kit: healthcheck %s: %w", addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("kit: healthcheck %s: %s", addr, resp.Status)
	}
	return nil
}
