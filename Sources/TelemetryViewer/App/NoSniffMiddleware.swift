import HTTPTypes
import Hummingbird

/// Marks every answer `X-Content-Type-Options: nosniff`, errors and unknown paths included, so that no browser
/// reads a JSON body or an error text as script or HTML.
struct NoSniffMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}
