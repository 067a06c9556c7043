using OpenIddict.Server;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace TempoModular.Authorization.Optimizations;

/// <summary>
/// Writes access tokens with <see cref="AccessTokenFormat"/>, just before
/// OpenIddict's IdentityModel writer, which then leaves the token alone. Only for
/// unencrypted access tokens signed with the server's HMAC key; anything else
/// falls through to OpenIddict.
/// </summary>
internal sealed class WriteAccessTokens(AccessTokenFormat format) : IOpenIddictServerHandler<OpenIddictServerEvents.GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.GenerateTokenContext>()
            .UseSingletonHandler<WriteAccessTokens>()
            .SetOrder(OpenIddictServerHandlers.Protection.GenerateIdentityModelToken.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(OpenIddictServerEvents.GenerateTokenContext context)
    {
        if (string.IsNullOrEmpty(context.Token) && context.TokenType == TokenTypeIdentifiers.AccessToken
            && context.EncryptionCredentials is null
            && ReferenceEquals(context.SigningCredentials?.Key, format.SigningKey)
            && context.Principal is not null)
        {
            context.Token = format.TryWrite(context.Principal);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Reads our access tokens at introspection and revocation, just before
/// OpenIddict's IdentityModel reader, which skips a token that already has a
/// principal. OpenIddict's later handlers (expiry, token entry, grant) still judge it.
/// </summary>
internal sealed class ReadAccessTokens(AccessTokenFormat format) : IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateTokenContext>()
            .UseSingletonHandler<ReadAccessTokens>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateIdentityModelToken.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(OpenIddictServerEvents.ValidateTokenContext context)
    {
        if (context.Principal is null && !context.IsRejected && context.TokenValidationParameters is { } parameters)
        {
            context.Principal = format.TryRead(context.Token, parameters);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The same for the REST API's bearer tokens: every API call reads one.</summary>
internal sealed class ReadBearerAccessTokens(AccessTokenFormat format) : IOpenIddictValidationHandler<OpenIddictValidationEvents.ValidateTokenContext>
{
    public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<OpenIddictValidationEvents.ValidateTokenContext>()
            .UseSingletonHandler<ReadBearerAccessTokens>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ValidateIdentityModelToken.Descriptor.Order - 500)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(OpenIddictValidationEvents.ValidateTokenContext context)
    {
        if (context.Principal is null && !context.IsRejected && context.TokenValidationParameters is { } parameters
            && context.Options.ClaimsIssuer is null)
        {
            context.Principal = format.TryRead(context.Token, parameters);
        }

        return ValueTask.CompletedTask;
    }
}
