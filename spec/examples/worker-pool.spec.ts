import { runPool } from '../../examples/worker-pool';

describe('examples/worker-pool', () => {
  it('runs every job exactly once, never more than `concurrency` at once, then shuts down', async () => {
    const names = Array.from({ length: 25 }, (_, i) => `job-${i}`);
    const { done, maxRunning } = await runPool(names, 3, async () => {
      for (let i = 0; i < 3; i++) {
        await Promise.resolve();
      }
    });
    expect([...done].sort()).toEqual([...names].sort());
    expect(maxRunning).toBe(3);
  });

  it('a job that fails rejects the pool after the running jobs settle', async () => {
    const names = ['a', 'bad', 'c'];
    await expect(
      runPool(names, 2, (name) => (name === 'bad' ? Promise.reject(new Error('bad job')) : Promise.resolve())),
    ).rejects.toThrow('bad job');
  });
});
