package examples

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts cmd in a process group of its own, so that killGroup
// reaches anything it starts, and makes it die with the test binary, so
// that a test killed by go test's timeout leaves nothing listening on the
// fixed ports the examples use.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup sends SIGKILL to cmd's process group.
func killGroup(cmd *exec.Cmd) {
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

// terminate asks cmd to stop gracefully (SIGTERM to its process group).
func terminate(cmd *exec.Cmd) {
	syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
}
