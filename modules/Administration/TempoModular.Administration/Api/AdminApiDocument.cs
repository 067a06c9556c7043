using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

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
