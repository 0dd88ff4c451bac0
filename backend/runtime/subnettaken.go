package runtime

import "strings"

// SubnetTaken tells whether a failed command's output says the network it was creating
// asked for a subnet another network already holds: docker's "Pool overlaps with other
// one on this address space" and podman's "subnet ... is already used on the host or by
// another config". DevArch checks a stack's subnet at each plan, so this happens only when
// another network took it in between (see engine.planSubnet).
func SubnetTaken(stderr string) bool {
	return strings.Contains(stderr, "Pool overlaps with other one on this address space") ||
		(strings.Contains(stderr, "subnet ") && strings.Contains(stderr, "is already used on the host or by another config"))
}
