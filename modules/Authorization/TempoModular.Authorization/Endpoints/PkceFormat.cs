using System.Buffers;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace TempoModular.Authorization.Endpoints;

/// <summary>
/// RFC 7636 §4.1 and §4.2: a code verifier, and so a challenge, is 43 to 128
/// unreserved characters. A 1-character verifier is guessable, and a client that
/// sends one is broken; both are refused as invalid_request instead of being
/// compared.
/// </summary>
internal sealed class PkceFormat<TContext> : IOpenIddictServerHandler<TContext>
    where TContext : BaseValidatingContext
{
    private static readonly SearchValues<char> Unreserved =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~");

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<PkceFormat<TContext>>()
            .SetOrder(int.MinValue + 100_002)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(TContext context)
    {
        var (name, value) = context switch
        {
            ValidateAuthorizationRequestContext authorization => (Parameters.CodeChallenge, authorization.Request.CodeChallenge),
            ValidateTokenRequestContext token => (Parameters.CodeVerifier, token.Request.CodeVerifier),
            _ => (null, null),
        };
        if (name is not null && value is not null && !IsWellFormed(value))
        {
            context.Reject(Errors.InvalidRequest, $"The {name} must be 43 to 128 characters from A-Z, a-z, 0-9, '-', '.', '_' and '~' (RFC 7636 §4.1).");
        }

        return ValueTask.CompletedTask;
    }

    private static bool IsWellFormed(string value) =>
        value.Length is >= 43 and <= 128 && !value.AsSpan().ContainsAnyExcept(Unreserved);
}
