# Google Cloud: a firewall rule with no source_ranges lets in 0.0.0.0/0.
resource "google_compute_firewall" "admin" {
  name    = "allow-admin"
  network = "default"

  allow {
    protocol = "tcp"
    # sensitive-port-exposed: Elasticsearch and RDP from the whole internet.
    ports = ["9200", "3389", "8000-8100"]
  }

  source_ranges = ["0.0.0.0/0"]
}

resource "google_compute_firewall" "internal" {
  name          = "allow-internal"
  network       = "default"
  direction     = "INGRESS"
  source_ranges = ["10.128.0.0/9"]

  allow {
    protocol = "tcp"
    ports    = ["0-65535"]
  }
}
