import { forgetWhenCollected, releaseWhenCollected } from '../../lib/internal/collected';
import { canCollect, collectUntil } from '../helpers/gc';

const describeWithGc = canCollect ? describe : describe.skip;

describeWithGc('releaseWhenCollected', () => {
  it('releases what a collected owner held', async () => {
    const release = jest.fn();
    (() => releaseWhenCollected({}, { release }))();
    expect(await collectUntil(() => release.mock.calls.length > 0)).toBe(true);
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('does not release for an owner that is still alive', async () => {
    const release = jest.fn();
    const owner = {};
    releaseWhenCollected(owner, { release });
    expect(await collectUntil(() => release.mock.calls.length > 0, 3)).toBe(false);
    expect(owner).toBeDefined();
  });

  it('forgetWhenCollected() cancels the release', async () => {
    const release = jest.fn();
    const released = jest.fn();
    const releasable = { release };
    (() => {
      releaseWhenCollected({}, releasable);
      releaseWhenCollected({}, { release: released });
    })();
    forgetWhenCollected(releasable);
    expect(await collectUntil(() => released.mock.calls.length > 0)).toBe(true);
    expect(release).not.toHaveBeenCalled();
  });
});
