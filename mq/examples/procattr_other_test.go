//go:build !linux

package examples

import (
	"os"
	"os/exec"
)

// setProcAttr does nothing where the suite cannot create process groups
// portably; the examples start no children of their own.
func setProcAttr(cmd *exec.Cmd) {}

// killGroup kills cmd's process.
func killGroup(cmd *exec.Cmd) { cmd.Process.Kill() }

// terminate asks cmd to stop gracefully where the OS can.
func terminate(cmd *exec.Cmd) { cmd.Process.Signal(os.Interrupt) }
