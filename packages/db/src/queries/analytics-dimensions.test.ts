import { BreakdownProperty, FilterProperty } from '@sentrypulse/shared';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DIMENSION_COLUMNS, ROLLUP_DIMENSIONS } from './analytics';

expectTypeOf<keyof typeof DIMENSION_COLUMNS>().toEqualTypeOf<FilterProperty>();

describe('analytics dimensions', () => {
  it('has a raw column for exactly the filterable properties', () => {
    expect(Object.keys(DIMENSION_COLUMNS).sort()).toEqual([...FilterProperty.options].sort());
  });

  it('rolls up every breakdown property, once', () => {
    expect([...ROLLUP_DIMENSIONS].sort()).toEqual([...BreakdownProperty.options].sort());
  });
});
