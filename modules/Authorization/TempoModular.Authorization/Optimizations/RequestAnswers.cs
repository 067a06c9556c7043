using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace TempoModular.Authorization.Optimizations;

/// <summary>
/// Where the stores keep a grain's answer for the rest of one request:
/// OpenIddict reads the same application several times (client id, type,
/// secret, permissions, token creation) and the entry of the token being
/// validated twice (its status, then its properties). The next request asks
/// again, so a revocation or a deletion counts from the very next request on.
/// Null (ask the grain every time, as stock OpenIddict would) when the
/// token-path optimizations are off.
/// </summary>
internal sealed class RequestAnswers(IHttpContextAccessor http, IOptions<AuthorizationOptions> options)
{
    private readonly bool _enabled = options.Value.TokenPathOptimizations;

    public IDictionary<object, object?>? Items => _enabled ? http.HttpContext?.Items : null;
}
