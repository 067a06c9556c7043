using TempoModular.LoadTests.Setup;

namespace TempoModular.LoadTests.Running;

/// <summary>
/// Which host each iteration goes to: round-robin per iteration, the k-th
/// iteration of user u to the ((u + k) mod n)-th host in service. A whole
/// iteration (one integrator's session: its token, its calls, its revocation)
/// stays on one host, as a client on a keep-alive connection does behind a
/// load balancer, while consecutive iterations alternate, so every user meets
/// every host and each host gets an even share however many users there are.
/// A host taken out of service (a fault run killed it) gets no new iterations.
/// </summary>
internal sealed class TargetRotation
{
    private volatile TargetEndpoints[] _inService;

    public TargetRotation(IReadOnlyList<TargetEndpoints> targets)
    {
        if (targets.Count == 0)
        {
            throw new ArgumentException("A run needs at least one target.", nameof(targets));
        }

        Targets = targets;
        _inService = [.. targets];
    }

    /// <summary>Every target of the run, in command-line order; a target's index is its place here.</summary>
    public IReadOnlyList<TargetEndpoints> Targets { get; }

    public IReadOnlyList<TargetEndpoints> InService => _inService;

    public static TargetRotation Single(Uri url) => new([new TargetEndpoints(url)]);

    public TargetEndpoints For(int user, long iteration)
    {
        var inService = _inService;
        return inService[(int)((user + iteration) % inService.Length)];
    }

    /// <summary>The host in service after <paramref name="target"/>: where a check goes to see what another host says.</summary>
    public TargetEndpoints After(TargetEndpoints target)
    {
        var inService = _inService;
        var at = Array.IndexOf(inService, target);
        return inService[(at + 1) % inService.Length];
    }

    public void TakeOut(TargetEndpoints target)
    {
        var remaining = _inService.Where(t => t != target).ToArray();
        if (remaining.Length == 0)
        {
            throw new InvalidOperationException($"Cannot take {target.Label} out of service: it is the last host in service.");
        }

        _inService = remaining;
    }

    public void PutBack(TargetEndpoints target)
    {
        if (!_inService.Contains(target))
        {
            _inService = [.. Targets.Where(t => t == target || _inService.Contains(t))];
        }
    }
}
