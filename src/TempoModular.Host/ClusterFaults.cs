using Orleans.Storage;

namespace TempoModular.Host;

/// <summary>
/// Failures that mean "the cluster is changing", not "the request is wrong": a
/// grain whose host has just died, or a write that lost a race with the grain
/// moving to another host. Membership declares a dead host dead within seconds
/// and its grains reactivate from storage, so these are answered 503 with
/// Retry-After (see ErrorResponses), never 500; nothing answered 200 was not stored.
/// </summary>
internal static class ClusterFaults
{
    public static bool IsClusterTransient(Exception exception) => exception is
        SiloUnavailableException
        or OrleansMessageRejectionException
        or InconsistentStateException
        or TimeoutException
        || (exception.InnerException is { } inner && IsClusterTransient(inner));
}
