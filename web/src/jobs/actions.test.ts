import { describe, expect, it } from 'vitest';
import { actionsFor } from './actions';

describe('the actions a job offers', () => {
  it('resumes a job stopped with a savepoint instead of deploying it afresh', () => {
    const stopped = { desiredState: 'CANCELED', stopWithSavepoint: true };
    expect(actionsFor('FINISHED', stopped)).toEqual(['resume']);
    expect(actionsFor('CANCELED', stopped)).toEqual(['resume']);
    // Canceled, or stopped without a savepoint: nothing to go on from.
    expect(actionsFor('CANCELED', { desiredState: 'CANCELED', stopWithSavepoint: false })).toEqual(['deploy']);
    expect(actionsFor('FINISHED', undefined)).toEqual(['deploy']);
    // Still stopping: the state decides.
    expect(actionsFor('RUNNING', stopped)).toContain('stop');
    expect(actionsFor('SUSPENDED', { desiredState: 'SUSPENDED', stopWithSavepoint: true })).toEqual(['resume', 'cancel']);
    expect(actionsFor('DRAFT', { desiredState: 'CANCELED', stopWithSavepoint: true })).toEqual(['deploy']);
  });
});
