package transfer_test

// The blobs of the secret-values golden: made once with backend/passbox (passphrase
// GoldenPassphrase; stripe_key's value is GoldenStripeValue) and kept, since age's output is
// randomized. The engine's tests import the golden with the passphrase.

const (
	GoldenPassphrase  = "golden passphrase"
	GoldenStripeValue = "sk_test_golden_4242"
)

const goldenKeyBlob = `-----BEGIN AGE ENCRYPTED FILE-----
YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IHNjcnlwdCA2RmtCam12ZjF4VGVDT0dU
cmRHbUVRIDE4CnNiTzRmQzhpQlhSU0lRbXF3RzhJMEpaalJIUzNKdE1mOGJGNnhZ
TzdBcGcKLS0tIE9lWTVaQTdPaXpCb0hhWGlxOHlSM3FxL2NzTVpoSkdtdkcvSjJm
S1lpV28Kghk3Ec4othb218m7br1cUm6vmgxRxNQc5XwRxiN3cA2VDzO0pu6gPVsY
wtmoa0RDdznUKbRHzQskuHZV+VcRHv8NZR0uJvOsWYGBSYj0pgLj8p+X5iGd1qqN
gRyUmGW9q7BeuLqWXPugvg==
-----END AGE ENCRYPTED FILE-----
`

const goldenStripeBlob = `-----BEGIN AGE ENCRYPTED FILE-----
YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBwY3phNE9CNk5CYXFpVkgz
cDBTL1YrbjQ2WG1NWkdpQ3R5bjBTblY1OG5ZCkdyS1I3K0VNNER3T1AwZHVJNUNj
Yng1Z2x1djIzMkE4b1VTV3AreGNCREUKLS0tIDZQYlZGZ3BYSkFHd0RKR2hLdnhC
RjNDa3lSR2lnUUFncFhXemY3aXF5ZHMK6GXzY9XEFDaPuqsgXaQ2zmw2w2nOkCYv
ZxJY+2hwjc3uBtF8CcwgucoL5sFwYHZoSpCZ
-----END AGE ENCRYPTED FILE-----
`
