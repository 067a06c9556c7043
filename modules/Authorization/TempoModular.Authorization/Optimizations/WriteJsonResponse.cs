using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;

namespace TempoModular.Authorization.Optimizations;

/// <summary>
/// Writes the token, introspection and revocation answers (errors included) in
/// place of OpenIddict's <c>ProcessJsonResponse</c>, with the same bytes and
/// headers. OpenIddict builds each answer in a new MemoryStream through a new
/// Utf8JsonWriter, whose buffer grows by copying while it writes the access
/// token: 12 % of the bytes a token request allocated (allocation sampling).
/// Here each thread keeps one writer and its buffer; the answer is copied into
/// Kestrel's pooled output before anything awaits, so no other request can
/// reach the buffer while it holds an answer, and it is wiped right after.
/// Unlike OpenIddict's handler, this one does not log the answer (it holds the
/// token; the shipped log levels dropped that line anyway).
/// </summary>
internal sealed class WriteJsonResponse<TContext>(IOptionsMonitor<OpenIddictServerAspNetCoreOptions> options)
    : IOpenIddictServerHandler<TContext> where TContext : OpenIddictServerEvents.BaseRequestContext
{
    // An answer larger than this (none of these endpoints writes one) is not kept for the next.
    private const int KeptCapacity = 16 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>Takes the place (and the order) of OpenIddict's handler for the same event.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .AddFilter<OpenIddictServerAspNetCoreHandlerFilters.RequireHttpRequest>()
            .UseSingletonHandler<WriteJsonResponse<TContext>>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<TContext>.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(TContext context)
    {
        var response = context.Transaction.GetHttpRequest()?.HttpContext.Response
            ?? throw new InvalidOperationException("The ASP.NET Core HTTP response cannot be resolved.");
        var message = context.Transaction.Response
            ?? throw new InvalidOperationException("The OpenIddict response was not set before it was written.");

        var indented = !options.CurrentValue.SuppressJsonResponseIndentation;
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(2048);
        var writer = t_writer is { } kept && kept.Options.Indented == indented
            ? kept
            : t_writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = indented });
        try
        {
            writer.Reset(buffer);
            message.WriteTo(writer);
            writer.Flush();

            response.ContentLength = buffer.WrittenCount;
            response.ContentType = "application/json;charset=UTF-8";
            var body = response.BodyWriter;
            buffer.WrittenSpan.CopyTo(body.GetSpan(buffer.WrittenCount));
            body.Advance(buffer.WrittenCount);
        }
        finally
        {
            writer.Reset();
            buffer.Clear();
            if (buffer.Capacity > KeptCapacity)
            {
                t_buffer = null;
                t_writer = null;
            }
        }

        context.HandleRequest();
        return FlushAsync(response.BodyWriter, context.CancellationToken);
    }

    private static async ValueTask FlushAsync(System.IO.Pipelines.PipeWriter body, CancellationToken cancellationToken) =>
        await body.FlushAsync(cancellationToken);
}
