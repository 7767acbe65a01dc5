# stagebot in a container: one static binary on distroless, as a non-root user.
#
# The binary is all the image needs: the SQL migrations (store/migrations), the collèges and sectors
# (catalog/data), the calendars and time zone (calendar/data, time/tzdata) and the message catalogs
# (locales) are embedded in it. `stagebot demo` is the one command that will not run here (it starts
# PostgreSQL from the server binaries); every other command takes DATABASE_URL.
#
# Health: there is no shell or curl in the image, so no HEALTHCHECK. Probe over HTTP instead:
# GET /healthz (the process is up) and GET /readyz (the database answers; 503 otherwise), on
# HTTP_ADDR (:8080). The load balancer in compose.yaml checks /readyz.
#
#   docker build -t stagebot .
#   docker run --rm -e DATABASE_URL=postgres://… -p 8080:8080 stagebot          # serve
#   docker run --rm -e DATABASE_URL=postgres://… stagebot migrate

FROM golang:1.26 AS build
WORKDIR /src
ENV CGO_ENABLED=0
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags='-s -w' -o /out/stagebot ./cmd/stagebot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/stagebot /stagebot
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/stagebot"]
CMD ["serve"]
