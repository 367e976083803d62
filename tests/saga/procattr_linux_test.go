package saga

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes cmd receive SIGKILL when this process dies, so that
// a test binary killed by go test's timeout leaves no service behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
