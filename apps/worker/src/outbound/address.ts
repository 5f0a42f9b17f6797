// The address policy is shared with the API (early validation of webhook URLs), so it lives in
// packages/shared; the guard's modules keep importing it from here.
export * from '@sentrypulse/shared/address-policy';
