package storetest

import "testing"

func contractOutbox(t *testing.T, open func(*testing.T) Store)       {}
func contractIdempotency(t *testing.T, open func(*testing.T) Store)  {}
func contractSessions(t *testing.T, open func(*testing.T) Store)     {}
func contractRateCounters(t *testing.T, open func(*testing.T) Store) {}
func contractEnrollments(t *testing.T, open func(*testing.T) Store)  {}
func contractSuppression(t *testing.T, open func(*testing.T) Store)  {}
func contractWebhooks(t *testing.T, open func(*testing.T) Store)     {}
func contractMergers(t *testing.T, open func(*testing.T) Store)      {}
func contractBilling(t *testing.T, open func(*testing.T) Store)      {}
func contractMarketplace(t *testing.T, open func(*testing.T) Store)  {}
