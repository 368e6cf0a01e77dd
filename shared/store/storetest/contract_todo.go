package storetest

import "testing"

func contractEnrollments(t *testing.T, open func(*testing.T) Store)  {}
func contractSuppression(t *testing.T, open func(*testing.T) Store)  {}
func contractWebhooks(t *testing.T, open func(*testing.T) Store)     {}
func contractMergers(t *testing.T, open func(*testing.T) Store)      {}
func contractBilling(t *testing.T, open func(*testing.T) Store)      {}
func contractMarketplace(t *testing.T, open func(*testing.T) Store)  {}
