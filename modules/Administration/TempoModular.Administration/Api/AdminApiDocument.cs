using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using TempoModular.Administration.Pages.Settings.OAuthApplications;
using TempoModular.Applications;

namespace TempoModular.Administration.Api;

/// <summary>
/// Marks an endpoint that reads a JSON body of this type itself. Not the
/// framework's Accepts metadata: with it, a request of another content type is
/// refused before the handler with a bare 415, instead of a problem.
/// </summary>
internal sealed record JsonRequestBody(Type Type);

/// <summary>What the OpenAPI document (<c>/openapi/v1.json</c>) says beyond what the endpoints' metadata gives.</summary>
internal static class AdminApiDocument
{
    private const string BasicSecurityScheme = "basic";

    // The registry's own limits, in the seconds the API speaks.
    private static readonly (string Property, (TimeSpan Min, TimeSpan Max) Limits)[] LifetimeBounds =
    [
        ("accessToken", TokenLifetimeLimits.AccessToken),
        ("refreshToken", TokenLifetimeLimits.RefreshToken),
        ("authorizationCode", TokenLifetimeLimits.AuthorizationCode),
    ];

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "TempoModular API",
                Version = "v1",
                Description = "The admin API (/api/admin/) does what Settings > Data Access > OAuth 2.0 Applications does. "
                    + "Authenticate as an administrator (all four Tempo and Jira administrator permissions) with HTTP Basic, "
                    + "or with the site's sign-in cookie plus the X-CSRF-TOKEN antiforgery header on state-changing requests.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BasicSecurityScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "basic",
                Description = "An administrator's user name and password.",
            };
            return Task.CompletedTask;
        });

        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = context.JsonTypeInfo.Type;
            if (type != typeof(TokenLifetimesRequest) && type != typeof(TokenLifetimesJson))
            {
                return Task.CompletedTask;
            }

            // A complex property's [Description] does not reach its schema on its own.
            if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(DescriptionAttribute), false) is [DescriptionAttribute described, ..])
            {
                schema.Description = described.Description;
            }

            // Whole seconds. The web defaults would also read them from JSON strings,
            // which the generated schema advertises; the contract is a number.
            foreach (var (property, limits) in LifetimeBounds)
            {
                if (schema.Properties?.TryGetValue(property, out var lifetime) == true && lifetime is OpenApiSchema seconds)
                {
                    seconds.Type = JsonSchemaType.Integer | JsonSchemaType.Null;
                    seconds.Pattern = null;
                    if (type == typeof(TokenLifetimesRequest))
                    {
                        seconds.Minimum = ((long)limits.Min.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                        seconds.Maximum = ((long)limits.Max.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                    }
                }
            }

            // Unknown lifetimes are refused (see TokenLifetimesRequest.Unknown).
            if (type == typeof(TokenLifetimesRequest))
            {
                schema.Type = JsonSchemaType.Object | JsonSchemaType.Null;
                schema.AdditionalPropertiesAllowed = false;
                schema.AdditionalProperties = null;
            }

            return Task.CompletedTask;
        });

        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (context.Description.RelativePath?.StartsWith(AdminApi.BasePath.TrimStart('/'), StringComparison.Ordinal) != true)
            {
                return;
            }

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(BasicSecurityScheme, context.Document)] = [],
            });

            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonRequestBody>().FirstOrDefault() is { } body)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, cancellationToken: cancellationToken) },
                    },
                };
            }
        });
    }
}
